package io.agenthub.oauth;

import java.time.Instant;
import java.util.List;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;

import org.hibernate.reactive.mutiny.Mutiny;

import io.quarkus.runtime.Startup;
import io.smallrye.mutiny.Uni;

/**
 * The one token cipher. Every statement that reads or writes an encrypted column is here, and
 * encryption happens in PostgreSQL (encrypt_token/decrypt_token, pgcrypto) with the key passed
 * as a bind parameter: keys are never stored, logged or returned. Each ciphertext carries the id
 * of its key, so rotation re-encrypts rows while every row stays readable.
 */
@Startup
@ApplicationScoped
public class TokenCipher {

    private final OAuthConfig.Encryption config;

    public TokenCipher(OAuthConfig config) {
        this.config = config.encryption();
        String primary = this.config.keys().get(this.config.primaryKeyId());
        if (primary == null) {
            throw new IllegalStateException("agent-hub.oauth.encryption.keys." + this.config.primaryKeyId()
                    + " (the primary token encryption key) is not configured; set AGENT_HUB_OAUTH_ENCRYPTION_KEYS_"
                    + this.config.primaryKeyId().toUpperCase().replaceAll("[^A-Z0-9]", "_"));
        }
        this.config.keys().forEach((id, key) -> {
            if (key.length() < 16) {
                throw new IllegalStateException("token encryption key '" + id + "' must be at least 16 characters");
            }
        });
    }

    /** A decrypted token row; never serialised. */
    public record StoredToken(UUID id, UUID organizationId, String accessToken, String refreshToken, String tokenType,
            String scope, Instant expiresAt, String status, String clientId, String clientMechanism, Issued issued,
            Instant lastRefreshedAt) {

        @Override
        public String toString() {
            return "StoredToken[" + id + ", " + status + "]";
        }
    }

    /** Who issued a token, and so the only endpoints it is ever sent to. */
    public record Issued(String issuer, String tokenEndpoint, String revocationEndpoint) {
    }

    public String primaryKeyId() {
        return config.primaryKeyId();
    }

    private String key(String keyId) {
        String key = config.keys().get(keyId);
        if (key == null) {
            throw new IllegalStateException("no token encryption key with id '" + keyId + "' is configured");
        }
        return key;
    }

    /**
     * Stores (or replaces, in one statement: the working tokens stay until new ones arrive) the
     * tokens of a user for a configuration, with the client and the server they were issued by.
     */
    public Uni<Void> store(Mutiny.Session session, UUID orgId, UUID userId, UUID configId, String access, String refresh,
            String tokenType, String scope, Instant expiresAt, String clientId, String clientMechanism, Issued issued) {
        return session.createNativeQuery("""
                INSERT INTO mcp_oauth_tokens (organization_id, user_id, mcp_configuration_id, access_token_encrypted,
                    refresh_token_encrypted, token_type, scope, expires_at, key_id, status, status_reason, last_refreshed_at,
                    client_id, client_mechanism, issuer, token_endpoint, revocation_endpoint)
                VALUES (:org, :user, :config, encrypt_token(:access, :key), encrypt_token(CAST(:refresh AS text), :key),
                    :type, CAST(:scope AS text), CAST(CAST(:expires AS text) AS timestamptz), :kid, 'active', NULL, NULL,
                    CAST(:client AS text), CAST(:mechanism AS text), CAST(:issuer AS text), CAST(:tokenEndpoint AS text),
                    CAST(:revocationEndpoint AS text))
                ON CONFLICT (user_id, mcp_configuration_id) DO UPDATE SET
                    access_token_encrypted = EXCLUDED.access_token_encrypted,
                    refresh_token_encrypted = EXCLUDED.refresh_token_encrypted,
                    token_type = EXCLUDED.token_type, scope = EXCLUDED.scope, expires_at = EXCLUDED.expires_at,
                    key_id = EXCLUDED.key_id, status = 'active', status_reason = NULL,
                    client_id = EXCLUDED.client_id, client_mechanism = EXCLUDED.client_mechanism, issuer = EXCLUDED.issuer,
                    token_endpoint = EXCLUDED.token_endpoint, revocation_endpoint = EXCLUDED.revocation_endpoint""")
                .setParameter("client", clientId).setParameter("mechanism", clientMechanism)
                .setParameter("issuer", issued.issuer()).setParameter("tokenEndpoint", issued.tokenEndpoint())
                .setParameter("revocationEndpoint", issued.revocationEndpoint())
                .setParameter("org", orgId).setParameter("user", userId).setParameter("config", configId)
                .setParameter("access", access).setParameter("refresh", refresh)
                .setParameter("type", tokenType).setParameter("scope", scope)
                .setParameter("expires", expiresAt == null ? null : expiresAt.toString())
                .setParameter("key", key(primaryKeyId())).setParameter("kid", primaryKeyId())
                .executeUpdate().replaceWithVoid();
    }

    /** The user's token row for a configuration, decrypted. */
    public Uni<StoredToken> load(Mutiny.Session session, UUID userId, UUID configId) {
        return session.createNativeQuery("SELECT key_id FROM mcp_oauth_tokens WHERE user_id = :user AND mcp_configuration_id = :config",
                String.class)
                .setParameter("user", userId).setParameter("config", configId)
                .getResultList()
                .chain(keyIds -> keyIds.isEmpty() ? Uni.createFrom().nullItem() : session.createNativeQuery("""
                        SELECT id, organization_id, decrypt_token(access_token_encrypted, :key),
                               decrypt_token(refresh_token_encrypted, :key), token_type, scope, expires_at, status, client_id,
                               client_mechanism, issuer, token_endpoint, revocation_endpoint, last_refreshed_at
                        FROM mcp_oauth_tokens WHERE user_id = :user AND mcp_configuration_id = :config""", Object[].class)
                        .setParameter("key", key(keyIds.get(0)))
                        .setParameter("user", userId).setParameter("config", configId)
                        .getSingleResult()
                        .map(r -> new StoredToken((UUID) r[0], (UUID) r[1], (String) r[2], (String) r[3], (String) r[4],
                                (String) r[5], toInstant(r[6]), (String) r[7], (String) r[8], (String) r[9],
                                new Issued((String) r[10], (String) r[11], (String) r[12]), toInstant(r[13]))));
    }

    /** After a refresh: the new access token and the refresh token now in force (rotated or kept). */
    public Uni<Void> refreshed(Mutiny.Session session, UUID tokenId, UUID leaseId, String access, String refresh, String scope,
            Instant expiresAt) {
        return session.createNativeQuery("""
                UPDATE mcp_oauth_tokens SET
                    access_token_encrypted = encrypt_token(:access, :key),
                    refresh_token_encrypted = encrypt_token(CAST(:refresh AS text), :key),
                    scope = COALESCE(CAST(:scope AS text), scope), expires_at = CAST(CAST(:expires AS text) AS timestamptz),
                    key_id = :kid, status = 'active', status_reason = NULL, last_refreshed_at = now(),
                    refresh_lease_id = NULL, refresh_lease_until = NULL
                WHERE id = :id AND refresh_lease_id = :lease""")
                .setParameter("lease", leaseId)
                .setParameter("access", access).setParameter("refresh", refresh).setParameter("scope", scope)
                .setParameter("expires", expiresAt == null ? null : expiresAt.toString())
                .setParameter("key", key(primaryKeyId())).setParameter("kid", primaryKeyId())
                .setParameter("id", tokenId)
                .executeUpdate().replaceWithVoid();
    }

    /** A client secret encrypted under the primary key, for a configuration to keep. */
    public Uni<byte[]> seal(Mutiny.Session session, String secret) {
        return session.createNativeQuery("SELECT encrypt_token(CAST(:secret AS text), :key)", byte[].class)
                .setParameter("secret", secret).setParameter("key", key(primaryKeyId())).getSingleResult();
    }

    /** Stores a confidential client's secret (from dynamic registration) on its configuration. */
    public Uni<Void> storeClientSecret(Mutiny.Session session, UUID configId, String secret) {
        return session.createNativeQuery("""
                UPDATE mcp_configurations SET oauth_client_secret_encrypted = encrypt_token(CAST(:secret AS text), :key),
                       oauth_key_id = CASE WHEN CAST(:secret AS text) IS NULL THEN NULL ELSE CAST(:kid AS text) END
                WHERE id = :id""")
                .setParameter("secret", secret).setParameter("key", key(primaryKeyId())).setParameter("kid", primaryKeyId())
                .setParameter("id", configId)
                .executeUpdate().replaceWithVoid();
    }

    /** The secret {@code client} authenticates with: "" for a public client (a metadata document's, or one without a secret). */
    Uni<String> secretOf(Mutiny.Session session, OAuthClient client) {
        return !client.usesConfiguredSecret() ? Uni.createFrom().item("")
                : clientSecret(session, client.configId()).map(secret -> secret == null ? "" : secret);
    }

    private Uni<String> clientSecret(Mutiny.Session session, UUID configId) {
        return session.createNativeQuery("SELECT oauth_key_id FROM mcp_configurations WHERE id = :id AND oauth_key_id IS NOT NULL",
                String.class).setParameter("id", configId).getResultList()
                .chain(ids -> ids.isEmpty() ? Uni.createFrom().nullItem()
                        : session.createNativeQuery("SELECT decrypt_token(oauth_client_secret_encrypted, :key) FROM mcp_configurations WHERE id = :id",
                                String.class).setParameter("key", key(ids.get(0))).setParameter("id", configId).getSingleResult());
    }

    /** Re-encrypts up to {@code batch} rows made with an old key under the primary key; returns how many. */
    public Uni<Integer> rotate(Mutiny.Session session, int batch) {
        List<String> old = config.keys().keySet().stream().filter(id -> !id.equals(primaryKeyId())).toList();
        Uni<Integer> total = Uni.createFrom().item(0);
        for (String oldId : old) {
            total = total.chain(sum -> session.createNativeQuery("""
                    UPDATE mcp_oauth_tokens SET
                        access_token_encrypted = encrypt_token(decrypt_token(access_token_encrypted, :old), :new),
                        refresh_token_encrypted = encrypt_token(decrypt_token(refresh_token_encrypted, :old), :new),
                        key_id = :newid
                    WHERE id IN (SELECT id FROM mcp_oauth_tokens WHERE key_id = :oldid LIMIT :batch FOR UPDATE SKIP LOCKED)""")
                    .setParameter("old", key(oldId)).setParameter("new", key(primaryKeyId()))
                    .setParameter("newid", primaryKeyId()).setParameter("oldid", oldId).setParameter("batch", batch)
                    .executeUpdate()
                    .chain(tokens -> session.createNativeQuery("""
                            UPDATE mcp_configurations SET
                                oauth_client_secret_encrypted = encrypt_token(decrypt_token(oauth_client_secret_encrypted, :old), :new),
                                oauth_key_id = :newid
                            WHERE id IN (SELECT id FROM mcp_configurations WHERE oauth_key_id = :oldid LIMIT :batch FOR UPDATE SKIP LOCKED)""")
                            .setParameter("old", key(oldId)).setParameter("new", key(primaryKeyId()))
                            .setParameter("newid", primaryKeyId()).setParameter("oldid", oldId).setParameter("batch", batch)
                            .executeUpdate().map(secrets -> sum + tokens + secrets)));
        }
        return total;
    }

    static Instant toInstant(Object value) {
        return io.agenthub.web.SqlValues.instant(value);
    }
}
