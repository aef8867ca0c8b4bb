package io.agenthub.oauth;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Base64;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;

import io.agenthub.tenancy.Caller;
import io.agenthub.tenancy.Sql;
import io.smallrye.mutiny.Uni;

/**
 * The authorizations in flight ({@code oauth_states}): each a single-use state and PKCE verifier
 * (RFC 7636, S256) bound to the user who started it, until it is consumed by the callback or
 * expires.
 */
@ApplicationScoped
public class AuthorizationStates {

    /** The length of {@link #random()}: 256 bits in base64url. */
    static final int STATE_LENGTH = 43;

    // created with the bean at run time: a seeded generator must never be frozen into a native image
    private final SecureRandom random = new SecureRandom();

    /** A started authorization: what the authorization URL carries. */
    record Started(String state, String verifier, Instant expiresAt) {
        String challenge() {
            return AuthorizationStates.challenge(verifier);
        }
    }

    /**
     * A consumed state: what the token exchange needs, the client the authorization used among
     * them: the code was issued to it, and the tokens stay bound to it.
     */
    record Pending(UUID configId, String verifier, String redirectUri, String resource, String clientId, String clientMechanism,
            String scope, String issuer, boolean issuerInResponse, String tokenEndpoint, String revocationEndpoint) {
    }

    /** Stores a new state for the caller, asking for {@code scope}. In the caller's transaction. */
    Uni<Started> start(Caller caller, OAuthClient client, String scope, String redirectUri, Instant expiresAt) {
        Started started = new Started(random(), random(), expiresAt);
        return Sql.update("""
                INSERT INTO oauth_states (state, code_verifier, redirect_uri, user_id, organization_id,
                                          mcp_configuration_id, scope, resource, expires_at, client_id, client_mechanism,
                                          issuer, issuer_in_response, token_endpoint, revocation_endpoint)
                VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15)""",
                started.state(), started.verifier(), redirectUri, caller.userId(), caller.organizationId(), client.configId(),
                scope, client.resource(), expiresAt.atOffset(ZoneOffset.UTC), client.clientId(), client.mechanism(),
                client.issuer(), client.returnsIssuer(), client.tokenEndpoint(), client.revocationEndpoint())
                .replaceWith(started);
    }

    /**
     * Marks the caller's state used and returns it, or null when it is unknown, expired, already used
     * or another user's. Run it in a transaction of its own before anything else, so a replay or a
     * racing second use finds it used.
     */
    Uni<Pending> consume(Caller caller, String state) {
        return Sql.record(row -> new Pending(row.uuid("mcp_configuration_id"), row.text("code_verifier"),
                row.text("redirect_uri"), row.text("resource"), row.text("client_id"), row.text("client_mechanism"),
                row.text("scope"), row.text("issuer"), row.bool("issuer_in_response"), row.text("token_endpoint"),
                row.text("revocation_endpoint")), """
                UPDATE oauth_states SET used_at = now()
                WHERE state = $1 AND used_at IS NULL AND expires_at > now() AND user_id = $2
                RETURNING mcp_configuration_id, code_verifier, redirect_uri, resource, client_id, client_mechanism, scope,
                          issuer, issuer_in_response, token_endpoint, revocation_endpoint""",
                state, caller.userId());
    }

    /** 256 bits of randomness, base64url. */
    private String random() {
        byte[] bytes = new byte[32];
        random.nextBytes(bytes);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }

    static String challenge(String verifier) {
        try {
            return Base64.getUrlEncoder().withoutPadding().encodeToString(
                    MessageDigest.getInstance("SHA-256").digest(verifier.getBytes(StandardCharsets.US_ASCII)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
