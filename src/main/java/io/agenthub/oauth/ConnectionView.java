package io.agenthub.oauth;

import java.time.Instant;
import java.util.UUID;

/** An OAuth connection as its user sees it: its state and scope, never a token. */
public record ConnectionView(UUID configurationId, boolean connected, String status, String statusReason, String scope,
        String tokenType, Instant expiresAt, Instant lastRefreshedAt) {
}
