package io.agenthub.oauth;

import java.time.Instant;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;

import org.jboss.logging.Logger;

import io.agenthub.mcp.McpConfiguration;
import io.agenthub.mcp.McpCredentials;
import io.agenthub.tenancy.Caller;
import io.agenthub.tenancy.CurrentCaller;
import io.agenthub.tenancy.Sql;
import io.agenthub.tenancy.TenantTransactions;
import io.agenthub.web.ApiException;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.hibernate.reactive.panache.Panache;
import io.quarkus.runtime.Startup;
import io.smallrye.mutiny.Uni;

/**
 * Hands out valid access tokens for the caller's connections, refreshing them first when they
 * are about to expire. A refresh holds the token row's lock from the re-read to the commit, so
 * concurrent callers on any replica cause one upstream refresh and all get its result: the
 * others wait on the lock, then find a fresh token.
 */
@ApplicationScoped
@Startup
public class OAuthTokenService implements McpCredentials {

    private static final Logger LOG = Logger.getLogger(OAuthTokenService.class);

    private final TenantTransactions transactions;
    private final CurrentCaller current;
    private final OAuthClients clients;
    private final TokenEndpoint tokenEndpoint;
    private final TokenCipher cipher;
    private final OAuthConfig config;
    private final Map<String, Counter> refreshes = new HashMap<>();

    public OAuthTokenService(TenantTransactions transactions, CurrentCaller current, OAuthClients clients, TokenEndpoint tokenEndpoint,
            TokenCipher cipher, OAuthConfig config, MeterRegistry meters) {
        this.transactions = transactions;
        this.current = current;
        this.clients = clients;
        this.tokenEndpoint = tokenEndpoint;
        this.cipher = cipher;
        this.config = config;
        // registered up front so dashboards and alerts see zeros rather than no series
        for (String outcome : List.of("success", "invalid_grant", "invalid_client", "error")) {
            refreshes.put(outcome, Counter.builder("agent_hub_oauth_refreshes").description("OAuth token refreshes by outcome")
                    .tag("outcome", outcome).register(meters));
        }
    }

    /** A valid access token of the caller for an OAuth MCP configuration. */
    public Uni<String> accessToken(UUID configId) {
        Caller caller = current.get();
        return transactions.inTransaction(() -> Panache.getSession().chain(s -> cipher.load(s, caller.userId(), configId, false)))
                .chain(token -> {
                    requireUsable(token);
                    return fresh(token) ? Uni.createFrom().item(token.accessToken()) : refresh(caller, configId);
                });
    }

    @Override
    public Uni<Sealed> seal(String secret) {
        return Panache.getSession().chain(s -> cipher.seal(s, secret)).map(ciphertext -> new Sealed(ciphertext, cipher.primaryKeyId()));
    }

    @Override
    public Uni<Map<String, Connection>> connections(List<McpConfiguration> configurations) {
        Caller caller = current.get();
        Uni<Map<String, Connection>> result = Uni.createFrom().item(new LinkedHashMap<>());
        for (McpConfiguration c : configurations) {
            if (!"oauth2".equals(c.authType)) {
                continue;
            }
            result = result.chain(connections -> connection(caller, c).map(connection -> {
                connections.put(c.name, connection);
                return connections;
            }));
        }
        return result;
    }

    private Uni<Connection> connection(Caller caller, McpConfiguration c) {
        return transactions.inTransaction(() -> Panache.getSession().chain(s -> cipher.load(s, caller.userId(), c.id, false)))
                .chain(token -> {
                    if (token == null) {
                        return Uni.createFrom().item(new Connection("not_connected", Map.of()));
                    }
                    if (!"active".equals(token.status())) {
                        return Uni.createFrom().item(new Connection("needs_reauth", Map.of()));
                    }
                    return accessToken(c.id).map(access -> new Connection("connected", Map.of("Authorization", "Bearer " + access)));
                })
                .onFailure().recoverWithItem(e -> {
                    if (e instanceof ApiException a && a.status() == 409) {
                        return new Connection("needs_reauth", Map.of());
                    }
                    LOG.warnf("MCP configuration %s exported without a token: %s", c.id, e.getMessage());
                    return new Connection("unavailable", Map.of());
                });
    }

    private record Outcome(String accessToken, String reauthReason, boolean forgetClient) {

        Outcome(String accessToken, String reauthReason) {
            this(accessToken, reauthReason, false);
        }

        Outcome forgettingClient() {
            return new Outcome(accessToken, reauthReason, true);
        }
    }

    private Uni<String> refresh(Caller caller, UUID configId) {
        return transactions.inTransaction(() -> clients.stored(configId)
                .chain(client -> Panache.getSession().chain(s -> cipher.load(s, caller.userId(), configId, true)
                        .chain(token -> {
                            requireUsable(token);
                            if (fresh(token)) {
                                // another caller refreshed while this one waited for the lock
                                return Uni.createFrom().item(new Outcome(token.accessToken(), null));
                            }
                            if (token.refreshToken() == null) {
                                return needsReauth(token, "expired and no refresh token was issued");
                            }
                            // the tokens stay with the client that obtained them, whatever a later authorization chose
                            OAuthClient issuedTo = client.issuedTo(token.clientId(), token.clientMechanism());
                            return cipher.secretOf(s, issuedTo).chain(secret -> refreshUpstream(issuedTo, secret, token))
                                    .chain(answer -> {
                                        if ("invalid_grant".equals(answer.error())) {
                                            count("invalid_grant");
                                            return needsReauth(token, "the authorization server rejected the refresh token");
                                        }
                                        if ("invalid_client".equals(answer.error())) {
                                            count("invalid_client");
                                            return needsReauth(token, "the authorization server no longer knows this client")
                                                    .map(outcome -> OAuthClient.DYNAMIC_REGISTRATION.equals(issuedTo.mechanism())
                                                            ? outcome.forgettingClient() : outcome);
                                        }
                                        TokenEndpoint.Tokens tokens = TokenEndpoint.tokens(answer, token.refreshToken());
                                        count("success");
                                        return cipher.refreshed(s, token.id(), tokens.accessToken(), tokens.refreshToken(),
                                                tokens.scope(), tokens.expiresAt())
                                                .replaceWith(new Outcome(tokens.accessToken(), null));
                                    });
                        }))))
                // in a transaction of its own, after the one that marked the connection
                .call(outcome -> outcome.forgetClient() ? clients.forgetRegistration(configId) : Uni.createFrom().voidItem())
                .map(outcome -> {
                    if (outcome.reauthReason() != null) {
                        throw reauth();
                    }
                    return outcome.accessToken();
                });
    }

    private Uni<OAuthHttp.Answer> refreshUpstream(OAuthClient client, String secret, TokenCipher.StoredToken token) {
        return tokenEndpoint.refresh(client, secret, token.refreshToken()).onFailure().invoke(e -> count("error"));
    }

    /** Committed with the transaction, so the connection stays marked and nobody retries a dead grant. */
    private Uni<Outcome> needsReauth(TokenCipher.StoredToken token, String reason) {
        return Sql.update("UPDATE mcp_oauth_tokens SET status = 'needs_reauth', status_reason = $1 WHERE id = $2", reason, token.id())
                .replaceWith(new Outcome(null, reason));
    }

    private boolean fresh(TokenCipher.StoredToken token) {
        return token.expiresAt() == null || token.expiresAt().isAfter(Instant.now().plus(config.refreshSkew()));
    }

    private static void requireUsable(TokenCipher.StoredToken token) {
        if (token == null) {
            throw ApiException.conflict("This MCP server is not connected; authorize it first.");
        }
        if (!"active".equals(token.status())) {
            throw reauth();
        }
    }

    private static ApiException reauth() {
        return ApiException.conflict("The connection to this MCP server needs to be authorized again.",
                Map.of("connectionStatus", "needs_reauth"));
    }

    private void count(String outcome) {
        refreshes.get(outcome).increment();
    }
}
