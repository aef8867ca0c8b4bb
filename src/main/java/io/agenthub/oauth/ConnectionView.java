package io.agenthub.oauth;

import java.time.Instant;
import java.util.List;
import java.util.UUID;

/**
 * An OAuth connection as its user sees it: its state, the scopes granted and the client mechanism
 * that obtained it (pre_registered, client_metadata_document or dynamic_registration), never a
 * token.
 */
public record ConnectionView(UUID configurationId, boolean connected, String status, String statusReason, String scope,
        List<String> grantedScopes, String clientMechanism, String tokenType, Instant expiresAt, Instant lastRefreshedAt) {
}
