package io.agenthub.keys;

/** The answer to a creation, the one time the key itself is shown. */
public record CreatedApiKey(ApiKeyView apiKey, String key) {
}
