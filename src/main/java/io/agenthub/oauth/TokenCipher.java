package io.agenthub.oauth;

import java.time.Instant;
import java.util.List;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;

import org.hibernate.reactive.mutiny.Mutiny;

import io.quarkus.runtime.Startup;
import io.smallrye.mutiny.Uni;

/**
 * The one token cipher. Every statement that reads or writes an encrypted column is here. The
 * ciphertexts are pgcrypto's (what encrypt_token/decrypt_token read and write) but made and opened
 * in the service ({@link PgpSymmetric}): only ciphertexts travel to PostgreSQL, so neither a key nor
 * a plaintext token or secret is ever a statement parameter that a statement log could keep. Keys
 * are never stored, logged or returned. Each ciphertext carries the id of its key, so rotation
 * re-encrypts rows while every row stays readable.
 */
@Startup
@ApplicationScoped
public class TokenCipher {

    private final OAuthConfig.Encryption config;
    // created with the bean at run time: a seeded generator must never be frozen into a native image
    private final PgpSymmetric pgp = new PgpSymmetric(new java.security.SecureRandom());

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

    /** {@code plaintext} sealed under the primary key; null stays null. */
    byte[] seal(String plaintext) {
        return plaintext == null ? null : pgp.encrypt(plaintext, key(primaryKeyId()));
    }

    /** Sealed configuration values (MCP env and headers) read {@code sealed:<key id>:<base64 ciphertext>}. */
    static final String SEALED = "sealed:";

    /** A value sealed under the primary key, as text that names its key. */
    public String sealValue(String plaintext) {
        return SEALED + primaryKeyId() + ":" + java.util.Base64.getEncoder().encodeToString(seal(plaintext));
    }

    /** What a sealed value holds; a value from before sealing is returned as it is. */
    public String openValue(String value) {
        if (value == null || !value.startsWith(SEALED)) {
            return value;
        }
        int colon = value.indexOf(':', SEALED.length());
        return open(java.util.Base64.getDecoder().decode(value.substring(colon + 1)), value.substring(SEALED.length(), colon));
    }

    private boolean sealedWithPrimary(String value) {
        return value != null && value.startsWith(SEALED + primaryKeyId() + ":");
    }

    /** What {@code ciphertext} sealed, under the key with {@code keyId}; null stays null. */
    String open(byte[] ciphertext, String keyId) {
        return ciphertext == null ? null : pgp.decrypt(ciphertext, key(keyId));
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
                VALUES (:org, :user, :config, :access, CAST(:refresh AS bytea),
                    :type, CAST(:scope AS text), CAST(CAST(:expires AS text) AS timestamptz), :kid, 'active', NULL, NULL,
                    CAST(:client AS text), CAST(:mechanism AS text), CAST(:issuer AS text), CAST(:tokenEndpoint AS text),
                    CAST(:revocationEndpoint AS text))
                ON CONFLICT (user_id, mcp_configuration_id) DO UPDATE SET
                    access_token_encrypted = EXCLUDED.access_token_encrypted,
                    refresh_token_encrypted = EXCLUDED.refresh_token_encrypted,
                    token_type = EXCLUDED.token_type, scope = EXCLUDED.scope, expires_at = EXCLUDED.expires_at,
                    key_id = EXCLUDED.key_id, status = 'active', status_reason = NULL,
                    client_id = EXCLUDED.client_id, client_mechanism = EXCLUDED.client_mechanism, issuer = EXCLUDED.issuer,
                    token_endpoint = EXCLUDED.token_endpoint, revocation_endpoint = EXCLUDED.revocation_endpoint,
                    refresh_lease_id = NULL, refresh_lease_until = NULL""")
                .setParameter("client", clientId).setParameter("mechanism", clientMechanism)
                .setParameter("issuer", issued.issuer()).setParameter("tokenEndpoint", issued.tokenEndpoint())
                .setParameter("revocationEndpoint", issued.revocationEndpoint())
                .setParameter("org", orgId).setParameter("user", userId).setParameter("config", configId)
                .setParameter("access", seal(access)).setParameter("refresh", seal(refresh))
                .setParameter("type", tokenType).setParameter("scope", scope)
                .setParameter("expires", expiresAt == null ? null : expiresAt.toString())
                .setParameter("kid", primaryKeyId())
                .executeUpdate().replaceWithVoid();
    }

    /** The user's token row for a configuration, decrypted. */
    public Uni<StoredToken> load(Mutiny.Session session, UUID userId, UUID configId) {
        return session.createNativeQuery("""
                SELECT id, organization_id, access_token_encrypted, refresh_token_encrypted, token_type, scope, expires_at, status,
                       client_id, client_mechanism, issuer, token_endpoint, revocation_endpoint, last_refreshed_at, key_id
                FROM mcp_oauth_tokens WHERE user_id = :user AND mcp_configuration_id = :config""", Object[].class)
                .setParameter("user", userId).setParameter("config", configId)
                .getResultList()
                .map(rows -> {
                    if (rows.isEmpty()) {
                        return null;
                    }
                    Object[] r = rows.get(0);
                    String keyId = (String) r[14];
                    return new StoredToken((UUID) r[0], (UUID) r[1], open((byte[]) r[2], keyId), open((byte[]) r[3], keyId),
                            (String) r[4], (String) r[5], toInstant(r[6]), (String) r[7], (String) r[8], (String) r[9],
                            new Issued((String) r[10], (String) r[11], (String) r[12]), toInstant(r[13]));
                });
    }

    /**
     * After a refresh: the new access token and the refresh token now in force (rotated or kept),
     * where the lease is still held; answers whether it was.
     */
    public Uni<Boolean> refreshed(Mutiny.Session session, UUID tokenId, UUID leaseId, String access, String refresh, String scope,
            Instant expiresAt) {
        return session.createNativeQuery("""
                UPDATE mcp_oauth_tokens SET
                    access_token_encrypted = :access, refresh_token_encrypted = CAST(:refresh AS bytea),
                    scope = COALESCE(CAST(:scope AS text), scope), expires_at = CAST(CAST(:expires AS text) AS timestamptz),
                    key_id = :kid, status = 'active', status_reason = NULL, last_refreshed_at = now(),
                    refresh_lease_id = NULL, refresh_lease_until = NULL
                WHERE id = :id AND refresh_lease_id = :lease""")
                .setParameter("lease", leaseId)
                .setParameter("access", seal(access)).setParameter("refresh", seal(refresh)).setParameter("scope", scope)
                .setParameter("expires", expiresAt == null ? null : expiresAt.toString())
                .setParameter("kid", primaryKeyId())
                .setParameter("id", tokenId)
                .executeUpdate().map(n -> n == 1);
    }

    /** A secret sealed under the primary key, for a configuration to keep. */
    public Uni<byte[]> seal(Mutiny.Session session, String secret) {
        return Uni.createFrom().item(() -> seal(secret));
    }

    /** Stores a confidential client's secret (from dynamic registration) on its configuration. */
    public Uni<Void> storeClientSecret(Mutiny.Session session, UUID configId, String secret) {
        return session.createNativeQuery("""
                UPDATE mcp_configurations SET oauth_client_secret_encrypted = CAST(:secret AS bytea),
                       oauth_key_id = CAST(:kid AS text)
                WHERE id = :id""")
                .setParameter("secret", seal(secret)).setParameter("kid", secret == null ? null : primaryKeyId())
                .setParameter("id", configId)
                .executeUpdate().replaceWithVoid();
    }

    /** The secret {@code client} authenticates with: "" for a public client (a metadata document's, or one without a secret). */
    Uni<String> secretOf(Mutiny.Session session, OAuthClient client) {
        return !client.usesConfiguredSecret() ? Uni.createFrom().item("")
                : clientSecret(session, client.configId()).map(secret -> secret == null ? "" : secret);
    }

    private Uni<String> clientSecret(Mutiny.Session session, UUID configId) {
        return session.createNativeQuery("""
                SELECT oauth_client_secret_encrypted, oauth_key_id FROM mcp_configurations
                WHERE id = :id AND oauth_key_id IS NOT NULL""", Object[].class).setParameter("id", configId).getResultList()
                .map(rows -> rows.isEmpty() ? null : open((byte[]) rows.get(0)[0], (String) rows.get(0)[1]));
    }

    /** Re-encrypts up to {@code batch} rows made with an old key under the primary key; returns how many. */
    public Uni<Integer> rotate(Mutiny.Session session, int batch) {
        List<String> old = config.keys().keySet().stream().filter(id -> !id.equals(primaryKeyId())).toList();
        Uni<Integer> total = Uni.createFrom().item(0);
        for (String oldId : old) {
            total = total.chain(sum -> rotateTokens(session, oldId, batch).chain(tokens -> rotateSecrets(session, oldId, batch)
                    .map(secrets -> sum + tokens + secrets)));
        }
        return total.chain(sum -> resealValues(session, batch).map(values -> sum + values));
    }

    /**
     * MCP env and header values not sealed under the primary key (sealed under an old key, or
     * stored in clear before values were sealed) sealed under it; returns how many configurations.
     */
    private Uni<Integer> resealValues(Mutiny.Session session, int batch) {
        return session.createNativeQuery("""
                SELECT id, CAST(env AS text), CAST(headers AS text) FROM mcp_configurations
                WHERE EXISTS (SELECT 1 FROM jsonb_each_text(env) e WHERE e.value NOT LIKE :prefix)
                   OR EXISTS (SELECT 1 FROM jsonb_each_text(headers) h WHERE h.value NOT LIKE :prefix)
                LIMIT :batch FOR UPDATE SKIP LOCKED""", Object[].class)
                .setParameter("prefix", SEALED + primaryKeyId() + ":%").setParameter("batch", batch).getResultList()
                .chain(rows -> {
                    Uni<Integer> done = Uni.createFrom().item(0);
                    for (Object[] r : rows) {
                        String env = resealed((String) r[1]);
                        String headers = resealed((String) r[2]);
                        done = done.chain(n -> session.createNativeQuery(
                                "UPDATE mcp_configurations SET env = CAST(CAST(:env AS text) AS jsonb), headers = CAST(CAST(:headers AS text) AS jsonb) WHERE id = :id")
                                .setParameter("env", env).setParameter("headers", headers).setParameter("id", r[0])
                                .executeUpdate().map(u -> n + u));
                    }
                    return done;
                });
    }

    private String resealed(String json) {
        io.vertx.core.json.JsonObject values = new io.vertx.core.json.JsonObject(json == null ? "{}" : json);
        io.vertx.core.json.JsonObject sealed = new io.vertx.core.json.JsonObject();
        values.forEach(e -> {
            if (e.getValue() == null) {
                sealed.putNull(e.getKey());
                return;
            }
            String value = String.valueOf(e.getValue());
            sealed.put(e.getKey(), sealedWithPrimary(value) ? value : sealValue(openValue(value)));
        });
        return sealed.encode();
    }

    private Uni<Integer> rotateTokens(Mutiny.Session session, String oldId, int batch) {
        return session.createNativeQuery("""
                SELECT id, access_token_encrypted, refresh_token_encrypted FROM mcp_oauth_tokens
                WHERE key_id = :oldid LIMIT :batch FOR UPDATE SKIP LOCKED""", Object[].class)
                .setParameter("oldid", oldId).setParameter("batch", batch).getResultList()
                .chain(rows -> {
                    Uni<Integer> done = Uni.createFrom().item(0);
                    for (Object[] r : rows) {
                        byte[] access = seal(open((byte[]) r[1], oldId));
                        byte[] refresh = seal(open((byte[]) r[2], oldId));
                        done = done.chain(n -> session.createNativeQuery("""
                                UPDATE mcp_oauth_tokens SET access_token_encrypted = :access,
                                       refresh_token_encrypted = CAST(:refresh AS bytea), key_id = :newid
                                WHERE id = :id AND key_id = :oldid""")
                                .setParameter("access", access).setParameter("refresh", refresh).setParameter("newid", primaryKeyId())
                                .setParameter("id", r[0]).setParameter("oldid", oldId).executeUpdate().map(u -> n + u));
                    }
                    return done;
                });
    }

    private Uni<Integer> rotateSecrets(Mutiny.Session session, String oldId, int batch) {
        return session.createNativeQuery("""
                SELECT id, oauth_client_secret_encrypted FROM mcp_configurations
                WHERE oauth_key_id = :oldid LIMIT :batch FOR UPDATE SKIP LOCKED""", Object[].class)
                .setParameter("oldid", oldId).setParameter("batch", batch).getResultList()
                .chain(rows -> {
                    Uni<Integer> done = Uni.createFrom().item(0);
                    for (Object[] r : rows) {
                        byte[] secret = seal(open((byte[]) r[1], oldId));
                        done = done.chain(n -> session.createNativeQuery("""
                                UPDATE mcp_configurations SET oauth_client_secret_encrypted = CAST(:secret AS bytea),
                                       oauth_key_id = :newid
                                WHERE id = :id AND oauth_key_id = :oldid""")
                                .setParameter("secret", secret).setParameter("newid", primaryKeyId())
                                .setParameter("id", r[0]).setParameter("oldid", oldId).executeUpdate().map(u -> n + u));
                    }
                    return done;
                });
    }

    static Instant toInstant(Object value) {
        return io.agenthub.web.SqlValues.instant(value);
    }
}
