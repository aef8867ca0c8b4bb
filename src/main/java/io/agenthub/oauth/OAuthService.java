package io.agenthub.oauth;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
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

    /**
     * Starts an authorization. With {@code more} (nullable), for more scopes: the authorization asks
     * for the union of what the connection was granted, what is configured and what is asked, and
     * the working tokens stay in force until the new ones arrive.
     */
    public Uni<AuthorizationView> authorize(UUID configId, AuthorizeRequest more) {
        Caller caller = current.get();
        String added = more == null ? null : Scopes.union(more.scopes() == null ? null : Scopes.requested(more.scopes(), "scopes"),
                more.challenge() == null ? null : Scopes.fromChallenge(more.challenge()));
        return transactions.inTransaction(() -> clients.stored(configId).chain(client -> grantedScope(caller, configId)
                        .map(granted -> new Asked(client, granted))))
                .chain(asked -> clients.ready(asked.client()).map(client -> new Asked(client, asked.granted())))
                .chain(asked -> {
                    OAuthClient client = asked.client();
                    String scope = Scopes.union(asked.granted(), client.scopes(), added);
                    return transactions.inTransaction(() -> clients.remember(client)
                            .chain(() -> states.start(caller, client, scope, config.redirectUri(), Instant.now().plus(config.stateTtl()))))
                            .map(started -> new AuthorizationView(authorizationUrl(client, scope, started), started.expiresAt(),
                                    client.mechanism(), Scopes.list(scope)));
                });
    }

    /** A client chosen (or still to choose) and the scope the caller's connection holds now. */
    private record Asked(OAuthClient client, String granted) {
    }

    private static Uni<String> grantedScope(Caller caller, UUID configId) {
        return Sql.record(row -> row.text("scope"), """
                SELECT scope FROM mcp_oauth_tokens WHERE user_id = $1 AND mcp_configuration_id = $2 AND status = 'active'""",
                caller.userId(), configId);
    }

    /** {@code iss}: the issuer the authorization response names (RFC 9207), when it names one. */
    public Uni<ConnectionView> callback(String state, String code, String error, String iss) {
        Caller caller = current.get();
        if (state == null || state.length() < AuthorizationStates.STATE_LENGTH || state.length() > 128) {
            return Uni.createFrom().failure(ApiException.badRequest(INVALID_STATE));
        }
        return transactions.inTransaction(() -> states.consume(caller, state)).chain(pending -> {
            if (pending == null) {
                throw ApiException.badRequest(INVALID_STATE);
            }
            requireIssuer(pending, iss);
            if (error != null) {
                throw new OAuthUpstreamException("The authorization server refused the authorization.", error);
            }
            if (code == null || code.isBlank() || code.length() > 2048) {
                throw ApiException.invalidField("code", "is required");
            }
            UUID configId = pending.configId();
            return transactions.inTransaction(() -> credentials(configId, pending.clientId(), pending.clientMechanism())
                    .map(c -> pending.tokenEndpoint() == null ? c
                            // the code is redeemed where the authorization began, whatever the configuration says now
                            : new Credentials(c.client().at(pending.issuer(), pending.tokenEndpoint(), pending.revocationEndpoint()),
                                    c.secret()))
                    .chain(c -> grantedScope(caller, configId).map(previous -> new Exchange(c, previous))))
                    .chain(x -> tokenEndpoint.exchange(x.credentials().client(), x.credentials().secret(), code, pending.verifier(),
                            pending.redirectUri(), pending.resource()).map(tokens -> new Exchanged(x, tokens)))
                    .onFailure(OAuthClients::refused).call(() -> OAuthClient.DYNAMIC_REGISTRATION.equals(pending.clientMechanism())
                            ? clients.forgetRegistration(configId) : Uni.createFrom().voidItem())
                    .chain(done -> transactions.inTransaction(() -> Panache.getSession()
                            .chain(session -> cipher.store(session, caller.organizationId(), caller.userId(), configId,
                                    done.tokens().accessToken(), done.tokens().refreshToken(), done.tokens().tokenType(),
                                    // a server that says nothing about scope granted what was asked (RFC 6749 section 5.1)
                                    done.tokens().scope() != null ? done.tokens().scope() : pending.scope(), done.tokens().expiresAt(),
                                    pending.clientId(), pending.clientMechanism(), issued(done.exchange().credentials().client())))
                            .chain(() -> audit.record("oauth.connect", "mcp_configuration", configId,
                                    details(done, pending)))
                            .chain(() -> connection(caller, configId))));
        });
    }

    /**
     * RFC 9207: a response naming another issuer than the authorization was started with is a
     * mix-up, always refused; a server that said it names itself must.
     */
    private static void requireIssuer(AuthorizationStates.Pending pending, String iss) {
        if (iss != null && pending.issuer() != null && !iss.equals(pending.issuer())) {
            throw ApiException.badRequest("The authorization response names another issuer than the authorization server it was "
                    + "sent to; start again.").withCode("issuer_mismatch",
                    "The authorization response names another issuer than the authorization server it was sent to; start again.");
        }
        if (iss == null && pending.issuerInResponse()) {
            throw ApiException.badRequest("The authorization response lacks the iss parameter its server promised; start again.")
                    .withCode("issuer_missing", "The authorization response lacks the iss parameter its server promised; start again.");
        }
    }

    static TokenCipher.Issued issued(OAuthClient client) {
        return new TokenCipher.Issued(client.issuer(), client.tokenEndpoint(), client.revocationEndpoint());
    }

    private record Exchange(Credentials credentials, String previousScope) {
    }

    private record Exchanged(Exchange exchange, TokenEndpoint.Tokens tokens) {
    }

    public Uni<ConnectionView> status(UUID configId) {
        Caller caller = current.get();
        return transactions.inTransaction(() -> clients.configuration(configId).chain(c -> connection(caller, configId)));
    }

    public Uni<Void> disconnect(UUID configId) {
        Caller caller = current.get();
        return transactions.inTransaction(() -> Panache.getSession()
                .chain(s -> clients.configuration(configId).chain(() -> cipher.load(s, caller.userId(), configId)))
                .chain(token -> {
                    if (token == null) {
                        throw ApiException.notFound("OAuth connection");
                    }
                    return credentials(configId, token.clientId(), token.clientMechanism())
                            .map(c -> new Disconnection(new Credentials(OAuthTokenService.issuer(c.client(), token), c.secret()), token));
                }))
                .chain(d -> tokenEndpoint.revoke(d.credentials().client(), d.credentials().secret(), d.token())
                        .chain(() -> transactions.inTransaction(() -> Sql.update("DELETE FROM mcp_oauth_tokens WHERE id = $1",
                                d.token().id())
                                .chain(() -> audit.record("oauth.disconnect", "mcp_configuration", configId, Map.of())))));
    }

    private record Disconnection(Credentials credentials, TokenCipher.StoredToken token) {
    }

    /**
     * The client a connection or an authorization used ({@code clientId} under {@code mechanism}; null
     * for connections from before clients were kept: the configuration's) and its secret ("" for a
     * public client). In the caller's transaction.
     */
    private Uni<Credentials> credentials(UUID configId, String clientId, String mechanism) {
        return clients.stored(configId).map(stored -> stored.issuedTo(clientId, mechanism))
                .chain(client -> Panache.getSession().chain(s -> cipher.secretOf(s, client)).map(secret -> new Credentials(client, secret)));
    }

    private static Uni<ConnectionView> connection(Caller caller, UUID configId) {
        return Sql.record(row -> new ConnectionView(configId, "active".equals(row.text("status")), row.text("status"),
                row.text("status_reason"), row.text("scope"), Scopes.list(row.text("scope")), row.text("client_mechanism"),
                row.text("token_type"), row.instant("expires_at"), row.instant("last_refreshed_at")), """
                SELECT status, status_reason, scope, client_mechanism, token_type, expires_at, last_refreshed_at
                FROM mcp_oauth_tokens WHERE user_id = $1 AND mcp_configuration_id = $2""", caller.userId(), configId)
                .map(view -> view != null ? view
                        : new ConnectionView(configId, false, "not_connected", null, null, List.of(), null, null, null, null));
    }

    private String authorizationUrl(OAuthClient client, String scope, AuthorizationStates.Started started) {
        Map<String, String> params = new LinkedHashMap<>();
        params.put("response_type", "code");
        params.put("client_id", client.clientId());
        params.put("redirect_uri", config.redirectUri());
        if (scope != null) {
            params.put("scope", scope);
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

    /** The audit row of a connection: the scopes granted (and held before, when it grew) and the client it used. */
    private static Map<String, Object> details(Exchanged done, AuthorizationStates.Pending pending) {
        Map<String, Object> details = new LinkedHashMap<>();
        details.put("scope", done.tokens().scope() != null ? done.tokens().scope() : pending.scope());
        if (done.exchange().previousScope() != null) {
            details.put("previousScope", done.exchange().previousScope());
        }
        details.put("clientMechanism", pending.clientMechanism());
        details.put("refreshable", done.tokens().refreshToken() != null);
        return details;
    }

    private static String enc(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8);
    }
}
