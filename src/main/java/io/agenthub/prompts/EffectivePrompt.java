package io.agenthub.prompts;

import java.util.UUID;

/** A prompt as it will be sent to a model, in sending order. */
public record EffectivePrompt(UUID id, String scope, String name, String content, int priority) {
}
