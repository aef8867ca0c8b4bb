package io.agenthub.oauth;

import java.time.Instant;

/** Where to send the user to authorize, and until when the authorization can complete. */
public record AuthorizationView(String authorizationUrl, Instant expiresAt) {
}
