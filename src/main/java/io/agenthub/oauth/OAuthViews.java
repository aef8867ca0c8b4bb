package io.agenthub.oauth;

import java.time.Instant;
import java.util.UUID;

/** Response bodies of the OAuth endpoints; none of them ever carries a token. */
public final class OAuthViews {

    private OAuthViews() {
    }

    public record AuthorizationView(String authorizationUrl, Instant expiresAt) {
    }

    public record ConnectionView(UUID configurationId, boolean connected, String status, String statusReason, String scope,
            String tokenType, Instant expiresAt, Instant lastRefreshedAt) {
    }
}
