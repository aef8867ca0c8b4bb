package io.agenthub.oauth;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.time.Instant;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;

import org.jboss.logging.Logger;

import io.agenthub.audit.AuditTrail;
import io.agenthub.mcp.McpConfiguration;
import io.agenthub.mcp.McpConfigurationService;
import io.agenthub.oauth.OAuthViews.AuthorizationView;
import io.agenthub.oauth.OAuthViews.ConnectionView;
import io.agenthub.tenancy.Caller;
import io.agenthub.tenancy.CurrentCaller;
import io.agenthub.tenancy.TenantTransactions;
import io.agenthub.web.ApiException;
import io.quarkus.hibernate.reactive.panache.Panache;
import io.smallrye.mutiny.Uni;

/**
 * Connecting a user to an OAuth-protected MCP server: authorization request with state and PKCE,
 * callback with a single-use state, token exchange, status and disconnect. Network calls happen
 * between transactions, never while a connection is held.
 */
@ApplicationScoped
public class OAuthService {

    private static final Logger LOG = Logger.getLogger(OAuthService.class);
    private static final String INVALID_STATE = "The authorization state is invalid, expired or already used; start again.";

    // created with the bean at run time: a seeded generator must never be frozen into a native image
    private final SecureRandom random = new SecureRandom();
    private final TenantTransactions transactions;
    private final CurrentCaller current;
    private final McpConfigurationService configurations;
    private final OAuthDiscovery discovery;
    private final OAuthHttp http;
    private final TokenCipher cipher;
    private final OAuthConfig config;
    private final AuditTrail audit;

    public OAuthService(TenantTransactions transactions, CurrentCaller current, McpConfigurationService configurations,
            OAuthDiscovery discovery, OAuthHttp http, TokenCipher cipher, OAuthConfig config, AuditTrail audit) {
        this.transactions = transactions;
        this.current = current;
        this.configurations = configurations;
        this.discovery = discovery;
        this.http = http;
        this.cipher = cipher;
        this.config = config;
        this.audit = audit;
    }

    /** What an authorization needs from a configuration, copied out of the transaction. */
    record Client(UUID configId, String mcpUrl, String clientId, String scopes, String issuer, String authorizationEndpoint,
            String tokenEndpoint, String revocationEndpoint, String registrationEndpoint, String resource,
            Map<String, String> extraParams) {

        /** Endpoints to discover, or no client yet (never registered, or the registration was refused and forgotten). */
        boolean needsSetup() {
            return authorizationEndpoint == null || tokenEndpoint == null || clientId == null;
        }

        static Client of(McpConfiguration c) {
            return new Client(c.id, c.url, c.oauthClientId, c.oauthScopes, c.oauthIssuer, c.oauthAuthorizationEndpoint,
                    c.oauthTokenEndpoint,
                    c.oauthRevocationEndpoint, c.oauthRegistrationEndpoint, c.oauthResource,
                    c.oauthExtraParams == null ? Map.of() : Map.copyOf(c.oauthExtraParams));
        }
    }

    public Uni<AuthorizationView> authorize(UUID configId) {
        Caller caller = current.get();
        return transactions.inTransaction(() -> oauthConfiguration(configId).map(Client::of))
                .chain(client -> client.needsSetup() ? discoverAndRegister(client) : Uni.createFrom().item(client))
                .chain(client -> {
                    String state = random();
                    String verifier = random();
                    Instant expires = Instant.now().plus(config.stateTtl());
                    return transactions.inTransaction(() -> remember(client)
                            .chain(() -> Panache.getSession()).chain(session -> session.createNativeQuery("""
                                    INSERT INTO oauth_states (state, code_verifier, redirect_uri, user_id, organization_id,
                                                              mcp_configuration_id, scope, resource, expires_at)
                                    VALUES (:state, :verifier, :redirect, :user, :org, :config, CAST(:scope AS text),
                                            CAST(:resource AS text), CAST(CAST(:expires AS text) AS timestamptz))""")
                                    .setParameter("state", state).setParameter("verifier", verifier)
                                    .setParameter("redirect", config.redirectUri())
                                    .setParameter("user", caller.userId()).setParameter("org", caller.organizationId())
                                    .setParameter("config", client.configId()).setParameter("scope", client.scopes())
                                    .setParameter("resource", client.resource()).setParameter("expires", expires.toString())
                                    .executeUpdate()))
                            .replaceWith(() -> new AuthorizationView(authorizationUrl(client, state, verifier), expires));
                });
    }

    public Uni<ConnectionView> callback(String state, String code, String error) {
        Caller caller = current.get();
        if (state == null || state.length() < 43 || state.length() > 128) {
            return Uni.createFrom().failure(ApiException.badRequest(INVALID_STATE));
        }
        // consumed in a transaction of its own, before anything else: a replay or a racing second use finds it used
        return transactions.inTransaction(() -> Panache.getSession().chain(session -> session.createNativeQuery("""
                UPDATE oauth_states SET used_at = now()
                WHERE state = :state AND used_at IS NULL AND expires_at > now() AND user_id = :user
                RETURNING mcp_configuration_id, code_verifier, redirect_uri, resource""", Object[].class)
                .setParameter("state", state).setParameter("user", caller.userId())
                .getResultList()))
                .chain(rows -> {
                    if (rows.isEmpty()) {
                        throw ApiException.badRequest(INVALID_STATE);
                    }
                    Object[] row = rows.get(0);
                    UUID configId = (UUID) row[0];
                    if (error != null) {
                        throw new OAuthUpstreamException("The authorization server refused the authorization.", error);
                    }
                    if (code == null || code.isBlank() || code.length() > 2048) {
                        throw ApiException.invalidField("code", "is required");
                    }
                    return transactions.inTransaction(() -> oauthConfiguration(configId).map(Client::of)
                            .chain(client -> Panache.getSession().chain(s -> cipher.clientSecret(s, configId))
                                    .map(secret -> Map.entry(client, secret == null ? "" : secret))))
                            .chain(pair -> exchange(pair.getKey(), pair.getValue(), code, (String) row[1], (String) row[2],
                                    (String) row[3]))
                            .onFailure(OAuthService::clientRefused).call(() -> forgetRegistration(configId))
                            .chain(tokens -> transactions.inTransaction(() -> Panache.getSession()
                                    .chain(session -> cipher.store(session, caller.organizationId(), caller.userId(), configId,
                                            tokens.accessToken(), tokens.refreshToken(), tokens.tokenType(), tokens.scope(),
                                            tokens.expiresAt()))
                                    .chain(() -> audit.record("oauth.connect", "mcp_configuration", configId,
                                            details(tokens.scope(), tokens.refreshToken() != null)))
                                    .chain(() -> statusInTransaction(configId))));
                });
    }

    public Uni<ConnectionView> status(UUID configId) {
        return transactions.inTransaction(() -> oauthConfiguration(configId).chain(c -> statusInTransaction(configId)));
    }

    public Uni<Void> disconnect(UUID configId) {
        Caller caller = current.get();
        return transactions.inTransaction(() -> oauthConfiguration(configId).map(Client::of)
                .chain(client -> Panache.getSession().chain(s -> cipher.load(s, caller.userId(), configId, false)
                        .chain(token -> cipher.clientSecret(s, configId).map(secret -> new Object[] {client, token, secret})))))
                .chain(found -> {
                    TokenCipher.StoredToken token = (TokenCipher.StoredToken) found[1];
                    if (token == null) {
                        throw ApiException.notFound("OAuth connection");
                    }
                    Client client = (Client) found[0];
                    return revokeUpstream(client, (String) found[2], token)
                            .chain(() -> transactions.inTransaction(() -> Panache.getSession()
                                    .chain(s -> s.createNativeQuery("DELETE FROM mcp_oauth_tokens WHERE id = :id")
                                            .setParameter("id", token.id()).executeUpdate())
                                    .chain(() -> audit.record("oauth.disconnect", "mcp_configuration", configId, Map.of()))));
                });
    }

    /**
     * The authorization server refused the stored client (it forgot a registration, say): when the
     * server offers registration, the next authorization registers anew instead of sending the
     * refused id for ever. A client id an administrator configured for a server without
     * registration stays, for them to correct. Runs as the system: the configuration may be the
     * organisation's, which the user cannot change.
     */
    Uni<Void> forgetRegistration(UUID configId) {
        return transactions.asSystem(() -> Panache.getSession().chain(s -> s.createNativeQuery("""
                UPDATE mcp_configurations
                SET oauth_client_id = NULL, oauth_client_secret_encrypted = NULL, oauth_key_id = NULL
                WHERE id = :id AND oauth_registration_endpoint IS NOT NULL""")
                .setParameter("id", configId).executeUpdate()))
                .invoke(n -> LOG.infof("MCP configuration %s: the authorization server refused its client; %s", configId,
                        n == 1 ? "it registers again at the next authorization" : "the configured client id stays"))
                .replaceWithVoid();
    }

    private static boolean clientRefused(Throwable e) {
        return e instanceof OAuthUpstreamException u && "invalid_client".equals(u.oauthError());
    }

    Uni<ConnectionView> statusInTransaction(UUID configId) {
        Caller caller = current.get();
        return Panache.getSession().chain(session -> session.createNativeQuery("""
                SELECT status, status_reason, scope, token_type, expires_at, last_refreshed_at
                FROM mcp_oauth_tokens WHERE user_id = :user AND mcp_configuration_id = :config""", Object[].class)
                .setParameter("user", caller.userId()).setParameter("config", configId)
                .getResultList()
                .map(rows -> rows.isEmpty()
                        ? new ConnectionView(configId, false, "not_connected", null, null, null, null, null)
                        : new ConnectionView(configId, "active".equals(rows.get(0)[0]), (String) rows.get(0)[0],
                                (String) rows.get(0)[1], (String) rows.get(0)[2], (String) rows.get(0)[3],
                                TokenCipher.toInstant(rows.get(0)[4]), TokenCipher.toInstant(rows.get(0)[5]))));
    }

    /** The caller's OAuth configuration, or a clear refusal. */
    Uni<McpConfiguration> oauthConfiguration(UUID configId) {
        return configurations.findVisible(configId).map(c -> {
            if (!"oauth2".equals(c.authType)) {
                throw ApiException.unprocessable("This MCP configuration does not use OAuth.");
            }
            if (!c.enabled) {
                throw ApiException.unprocessable("This MCP configuration is disabled.");
            }
            return c;
        });
    }

    private Uni<Client> discoverAndRegister(Client client) {
        Uni<Client> withEndpoints = client.authorizationEndpoint() != null && client.tokenEndpoint() != null
                ? Uni.createFrom().item(client)
                : discovery.discover(client.mcpUrl()).map(m -> new Client(client.configId(), client.mcpUrl(), client.clientId(),
                        client.scopes() != null ? client.scopes() : m.scopes(), m.issuer(), m.authorizationEndpoint(),
                        m.tokenEndpoint(),
                        m.revocationEndpoint(), m.registrationEndpoint(),
                        client.resource() != null ? client.resource() : m.resource(), client.extraParams()));
        return withEndpoints.chain(c -> {
            if (c.clientId() != null) {
                return Uni.createFrom().item(c);
            }
            if (c.registrationEndpoint() == null) {
                throw ApiException.unprocessable("The authorization server supports no dynamic registration; configure a client id.");
            }
            return discovery.register(c.registrationEndpoint()).chain(registration -> transactions.inTransaction(
                    () -> Panache.getSession().chain(s -> cipher.storeClientSecret(s, c.configId(), registration.clientSecret())))
                    .replaceWith(new Client(c.configId(), c.mcpUrl(), registration.clientId(), c.scopes(), c.issuer(),
                            c.authorizationEndpoint(), c.tokenEndpoint(), c.revocationEndpoint(), c.registrationEndpoint(),
                            c.resource(), c.extraParams())));
        });
    }

    /** Keeps what discovery and registration found on the configuration, so the next flow skips them. */
    private Uni<Void> remember(Client client) {
        return configurations.findVisible(client.configId()).invoke(c -> {
            c.oauthClientId = client.clientId();
            c.oauthIssuer = client.issuer();
            c.oauthAuthorizationEndpoint = client.authorizationEndpoint();
            c.oauthTokenEndpoint = client.tokenEndpoint();
            c.oauthRevocationEndpoint = client.revocationEndpoint();
            c.oauthRegistrationEndpoint = client.registrationEndpoint();
            c.oauthResource = client.resource();
            if (c.oauthScopes == null) {
                c.oauthScopes = client.scopes();
            }
        }).replaceWithVoid();
    }

    record Tokens(String accessToken, String refreshToken, String tokenType, String scope, Instant expiresAt) {
        @Override
        public String toString() {
            return "Tokens[" + tokenType + ", " + scope + "]";
        }
    }

    private Uni<Tokens> exchange(Client client, String secret, String code, String verifier, String redirectUri, String resource) {
        Map<String, String> form = new LinkedHashMap<>();
        form.put("grant_type", "authorization_code");
        form.put("code", code);
        form.put("redirect_uri", redirectUri);
        form.put("client_id", client.clientId());
        form.put("code_verifier", verifier);
        form.put("resource", resource);
        return http.postForm(client.tokenEndpoint(), form, secret.isEmpty() ? null : client.clientId(), secret.isEmpty() ? null : secret)
                .map(answer -> tokens(answer, null));
    }

    /** Parses a token endpoint answer; {@code previousRefresh} is kept when a refresh answer rotates nothing. */
    static Tokens tokens(OAuthHttp.Answer answer, String previousRefresh) {
        if (!answer.ok()) {
            throw new OAuthUpstreamException("The token endpoint refused the request (HTTP " + answer.status() + ").", answer.error());
        }
        var body = answer.body();
        if (!(body.getValue("access_token") instanceof String access) || access.isBlank()) {
            throw new OAuthUpstreamException("The token endpoint answered without an access_token.", null);
        }
        Instant expires = body.getValue("expires_in") instanceof Number n ? Instant.now().plusSeconds(n.longValue()) : null;
        String refresh = body.getValue("refresh_token") instanceof String r ? r : previousRefresh;
        String type = body.getValue("token_type") instanceof String t ? t : "Bearer";
        String scope = body.getValue("scope") instanceof String s ? s : null;
        return new Tokens(access, refresh, type.equalsIgnoreCase("bearer") ? "Bearer" : type, scope, expires);
    }

    private Uni<Void> revokeUpstream(Client client, String secret, TokenCipher.StoredToken token) {
        if (client.revocationEndpoint() == null) {
            return Uni.createFrom().voidItem();
        }
        String user = secret == null ? null : client.clientId();
        Uni<Void> refresh = token.refreshToken() == null ? Uni.createFrom().voidItem()
                : revoke(client, token.refreshToken(), "refresh_token", user, secret);
        return refresh.chain(() -> revoke(client, token.accessToken(), "access_token", user, secret));
    }

    private Uni<Void> revoke(Client client, String value, String hint, String user, String secret) {
        Map<String, String> form = new LinkedHashMap<>();
        form.put("token", value);
        form.put("token_type_hint", hint);
        form.put("client_id", client.clientId());
        return http.postForm(client.revocationEndpoint(), form, user, secret)
                .invoke(answer -> {
                    if (!answer.ok()) {
                        LOG.warnf("Revoking a %s of configuration %s answered HTTP %d", hint, client.configId(), answer.status());
                    }
                })
                .replaceWithVoid()
                // the connection is removed locally even when the server cannot be told
                .onFailure().recoverWithUni(e -> {
                    LOG.warnf("Revoking a %s of configuration %s failed: %s", hint, client.configId(), e.getMessage());
                    return Uni.createFrom().voidItem();
                });
    }

    private String authorizationUrl(Client client, String state, String verifier) {
        Map<String, String> params = new LinkedHashMap<>();
        params.put("response_type", "code");
        params.put("client_id", client.clientId());
        params.put("redirect_uri", config.redirectUri());
        if (client.scopes() != null) {
            params.put("scope", client.scopes());
        }
        params.put("state", state);
        params.put("code_challenge", challenge(verifier));
        params.put("code_challenge_method", "S256");
        if (client.resource() != null) {
            params.put("resource", client.resource());
        }
        client.extraParams().forEach(params::putIfAbsent);
        StringBuilder url = new StringBuilder(client.authorizationEndpoint());
        url.append(client.authorizationEndpoint().contains("?") ? '&' : '?');
        params.forEach((k, v) -> url.append(enc(k)).append('=').append(enc(v)).append('&'));
        url.setLength(url.length() - 1);
        return url.toString();
    }

    private static Map<String, Object> details(String scope, boolean refreshable) {
        Map<String, Object> details = new LinkedHashMap<>();
        details.put("scope", scope);
        details.put("refreshable", refreshable);
        return details;
    }

    /** 256 bits of randomness, base64url: 43 characters. */
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

    private static String enc(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8);
    }
}
