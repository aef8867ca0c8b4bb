package io.agenthub.oauth;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;

import io.agenthub.audit.AuditTrail;
import io.agenthub.tenancy.Caller;
import io.agenthub.tenancy.CurrentCaller;
import io.agenthub.tenancy.Sql;
import io.agenthub.tenancy.TenantTransactions;
import io.agenthub.web.ApiException;
import io.quarkus.hibernate.reactive.panache.Panache;
import io.smallrye.mutiny.Uni;

/**
 * Connecting a user to an OAuth-protected MCP server: the authorization request, the callback that
 * exchanges its code for tokens, the connection's status and its disconnection. Network calls
 * happen between transactions, never while a connection is held.
 */
@ApplicationScoped
public class OAuthService {

    private static final String INVALID_STATE = "The authorization state is invalid, expired or already used; start again.";

    private final TenantTransactions transactions;
    private final CurrentCaller current;
    private final OAuthClients clients;
    private final AuthorizationStates states;
    private final TokenEndpoint tokenEndpoint;
    private final TokenCipher cipher;
    private final OAuthConfig config;
    private final AuditTrail audit;

    public OAuthService(TenantTransactions transactions, CurrentCaller current, OAuthClients clients, AuthorizationStates states,
            TokenEndpoint tokenEndpoint, TokenCipher cipher, OAuthConfig config, AuditTrail audit) {
        this.transactions = transactions;
        this.current = current;
        this.clients = clients;
        this.states = states;
        this.tokenEndpoint = tokenEndpoint;
        this.cipher = cipher;
        this.config = config;
        this.audit = audit;
    }

    /** A client and its secret, read together. */
    private record Credentials(OAuthClient client, String secret) {
    }

    public Uni<AuthorizationView> authorize(UUID configId) {
        Caller caller = current.get();
        return transactions.inTransaction(() -> clients.stored(configId))
                .chain(clients::ready)
                .chain(client -> transactions.inTransaction(() -> clients.remember(client)
                        .chain(() -> states.start(caller, client, config.redirectUri(), Instant.now().plus(config.stateTtl()))))
                        .map(started -> new AuthorizationView(authorizationUrl(client, started), started.expiresAt())));
    }

    public Uni<ConnectionView> callback(String state, String code, String error) {
        Caller caller = current.get();
        if (state == null || state.length() < AuthorizationStates.STATE_LENGTH || state.length() > 128) {
            return Uni.createFrom().failure(ApiException.badRequest(INVALID_STATE));
        }
        return transactions.inTransaction(() -> states.consume(caller, state)).chain(pending -> {
            if (pending == null) {
                throw ApiException.badRequest(INVALID_STATE);
            }
            if (error != null) {
                throw new OAuthUpstreamException("The authorization server refused the authorization.", error);
            }
            if (code == null || code.isBlank() || code.length() > 2048) {
                throw ApiException.invalidField("code", "is required");
            }
            UUID configId = pending.configId();
            return transactions.inTransaction(() -> credentials(configId))
                    .chain(c -> tokenEndpoint.exchange(c.client(), c.secret(), code, pending.verifier(), pending.redirectUri(),
                            pending.resource()))
                    .onFailure(OAuthClients::refused).call(() -> clients.forgetRegistration(configId))
                    .chain(tokens -> transactions.inTransaction(() -> Panache.getSession()
                            .chain(session -> cipher.store(session, caller.organizationId(), caller.userId(), configId,
                                    tokens.accessToken(), tokens.refreshToken(), tokens.tokenType(), tokens.scope(),
                                    tokens.expiresAt()))
                            .chain(() -> audit.record("oauth.connect", "mcp_configuration", configId,
                                    details(tokens.scope(), tokens.refreshToken() != null)))
                            .chain(() -> connection(caller, configId))));
        });
    }

    public Uni<ConnectionView> status(UUID configId) {
        Caller caller = current.get();
        return transactions.inTransaction(() -> clients.configuration(configId).chain(c -> connection(caller, configId)));
    }

    public Uni<Void> disconnect(UUID configId) {
        Caller caller = current.get();
        return transactions.inTransaction(() -> credentials(configId).chain(c -> Panache.getSession()
                .chain(s -> cipher.load(s, caller.userId(), configId, false))
                .map(token -> {
                    if (token == null) {
                        throw ApiException.notFound("OAuth connection");
                    }
                    return new Disconnection(c, token);
                })))
                .chain(d -> tokenEndpoint.revoke(d.credentials().client(), d.credentials().secret(), d.token())
                        .chain(() -> transactions.inTransaction(() -> Sql.update("DELETE FROM mcp_oauth_tokens WHERE id = $1",
                                d.token().id())
                                .chain(() -> audit.record("oauth.disconnect", "mcp_configuration", configId, Map.of())))));
    }

    private record Disconnection(Credentials credentials, TokenCipher.StoredToken token) {
    }

    /** The caller's client of a configuration and its secret ("" for a public client). In the caller's transaction. */
    private Uni<Credentials> credentials(UUID configId) {
        return clients.stored(configId).chain(client -> Panache.getSession().chain(s -> cipher.clientSecret(s, configId))
                .map(secret -> new Credentials(client, secret == null ? "" : secret)));
    }

    private static Uni<ConnectionView> connection(Caller caller, UUID configId) {
        return Sql.record(row -> new ConnectionView(configId, "active".equals(row.text("status")), row.text("status"),
                row.text("status_reason"), row.text("scope"), row.text("token_type"), row.instant("expires_at"),
                row.instant("last_refreshed_at")), """
                SELECT status, status_reason, scope, token_type, expires_at, last_refreshed_at
                FROM mcp_oauth_tokens WHERE user_id = $1 AND mcp_configuration_id = $2""", caller.userId(), configId)
                .map(view -> view != null ? view
                        : new ConnectionView(configId, false, "not_connected", null, null, null, null, null));
    }

    private String authorizationUrl(OAuthClient client, AuthorizationStates.Started started) {
        Map<String, String> params = new LinkedHashMap<>();
        params.put("response_type", "code");
        params.put("client_id", client.clientId());
        params.put("redirect_uri", config.redirectUri());
        if (client.scopes() != null) {
            params.put("scope", client.scopes());
        }
        params.put("state", started.state());
        params.put("code_challenge", started.challenge());
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

    private static String enc(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8);
    }
}
