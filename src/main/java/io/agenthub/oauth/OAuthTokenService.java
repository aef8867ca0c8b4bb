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
 * are about to expire. Concurrent callers on any replica cause one upstream refresh (a lease on the
 * token row) and all get its result; nobody holds a connection or a row lock while the
 * authorization server answers.
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
    private final io.vertx.core.Vertx vertx;
    /** As long as one refresh may take: the outbound deadline, and time to write its outcome. */
    private final java.time.Duration leaseTime;
    private final Map<String, Counter> refreshes = new HashMap<>();

    public OAuthTokenService(TenantTransactions transactions, CurrentCaller current, OAuthClients clients, TokenEndpoint tokenEndpoint,
            TokenCipher cipher, OAuthConfig config, MeterRegistry meters, io.vertx.core.Vertx vertx,
            io.agenthub.outbound.OutboundConfig outbound) {
        this.vertx = vertx;
        this.leaseTime = outbound.deadline().plusSeconds(5);
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
        return transactions.inTransaction(() -> Panache.getSession().chain(s -> cipher.load(s, caller.userId(), configId)))
                .chain(token -> {
                    requireUsable(token);
                    return fresh(token) ? Uni.createFrom().item(token.accessToken()) : refresh(caller, configId);
                });
    }

    @Override
    public Map<String, String> seal(Map<String, String> values) {
        Map<String, String> sealed = new LinkedHashMap<>();
        values.forEach((k, v) -> sealed.put(k, cipher.sealValue(v)));
        return sealed;
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
        return transactions.inTransaction(() -> Panache.getSession().chain(s -> cipher.load(s, caller.userId(), c.id)))
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

    /**
     * What the first transaction of a refresh found: a token someone else refreshed already, an
     * outcome settled without the server, the lease this caller took, or another caller's lease.
     */
    private record Step(Outcome settled, Lease lease) {

        static final Step BUSY = new Step(null, null);
    }

    /** A refresh this caller leased: what the call to the authorization server needs, read before it. */
    private record Lease(UUID id, TokenCipher.StoredToken token, OAuthClient client, String secret) {
    }

    private Uni<String> refresh(Caller caller, UUID configId) {
        Instant giveUpAt = Instant.now().plus(leaseTime).plusSeconds(1);
        return attempt(caller, configId, giveUpAt, 1)
                // in a transaction of its own, after the one that marked the connection
                .call(outcome -> outcome.forgetClient() ? clients.forgetRegistration(configId) : Uni.createFrom().voidItem())
                .map(outcome -> {
                    if (outcome.reauthReason() != null) {
                        throw reauth();
                    }
                    return outcome.accessToken();
                });
    }

    /**
     * One refresh per token at a time across replicas, and no connection held while the
     * authorization server answers: the lease is taken and committed, the server called, the
     * outcome written in a second transaction. {@code retries}: how often a caller that waited for
     * another's failed refresh may try once itself.
     */
    private Uni<Outcome> attempt(Caller caller, UUID configId, Instant giveUpAt, int retries) {
        UUID leaseId = UUID.randomUUID();
        return transactions.inTransaction(() -> clients.stored(configId)
                .chain(client -> Panache.getSession().chain(s -> cipher.load(s, caller.userId(), configId)
                        .chain(token -> {
                            requireUsable(token);
                            if (fresh(token)) {
                                return Uni.createFrom().item(new Step(new Outcome(token.accessToken(), null), null));
                            }
                            if (token.refreshToken() == null) {
                                return needsReauth(token, "expired and no refresh token was issued").map(o -> new Step(o, null));
                            }
                            // the tokens stay with the client and the server that issued them, whatever a later
                            // authorization chose or an administrator configured since
                            OAuthClient issuedTo = issuer(client.issuedTo(token.clientId(), token.clientMechanism()), token);
                            if (issuedTo.tokenEndpoint() == null) {
                                return needsReauth(token, "the token endpoint that issued it is unknown").map(o -> new Step(o, null));
                            }
                            return lease(token, leaseId).chain(leased -> !leased ? Uni.createFrom().item(Step.BUSY)
                                    : cipher.secretOf(s, issuedTo).map(secret -> new Step(null, new Lease(leaseId, token, issuedTo, secret))));
                        }))))
                .chain(step -> {
                    if (step.lease() != null) {
                        return refreshUpstream(step.lease());
                    }
                    if (step.settled() != null) {
                        return Uni.createFrom().item(step.settled());
                    }
                    return awaitOther(caller, configId, giveUpAt, retries);
                });
    }

    /** The lease of a token that is still as it was read; false when another caller holds it or refreshed meanwhile. */
    private Uni<Boolean> lease(TokenCipher.StoredToken token, UUID leaseId) {
        return Sql.update("""
                UPDATE mcp_oauth_tokens SET refresh_lease_id = $1, refresh_lease_until = now() + make_interval(secs => $2)
                WHERE id = $3 AND status = 'active' AND (refresh_lease_until IS NULL OR refresh_lease_until < now())
                  AND expires_at IS NOT DISTINCT FROM $4 AND last_refreshed_at IS NOT DISTINCT FROM $5""",
                leaseId, (double) leaseTime.toMillis() / 1000, token.id(), offset(token.expiresAt()), offset(token.lastRefreshedAt()))
                .map(n -> n == 1);
    }

    /** Another caller is refreshing: its outcome, read when its lease ends. */
    private Uni<Outcome> awaitOther(Caller caller, UUID configId, Instant giveUpAt, int retries) {
        return pause().chain(() -> transactions.inTransaction(() -> Sql.record(row -> new Object[] {row.bool("leased")}, """
                SELECT refresh_lease_until IS NOT NULL AND refresh_lease_until >= now() AS leased
                FROM mcp_oauth_tokens WHERE user_id = $1 AND mcp_configuration_id = $2""", caller.userId(), configId)))
                .chain(lease -> {
                    boolean leased = lease != null && (Boolean) lease[0];
                    if (leased && Instant.now().isBefore(giveUpAt)) {
                        return awaitOther(caller, configId, giveUpAt, retries);
                    }
                    if (leased) {
                        throw new OAuthUpstreamException("The authorization server did not refresh this connection in time.", null);
                    }
                    // the lease is over: the token is fresh, or the refresh failed and this caller may try once
                    return transactions.inTransaction(() -> Panache.getSession().chain(s -> cipher.load(s, caller.userId(), configId)))
                            .chain(token -> {
                                requireUsable(token);
                                if (fresh(token)) {
                                    return Uni.createFrom().item(new Outcome(token.accessToken(), null));
                                }
                                if (retries == 0) {
                                    throw new OAuthUpstreamException("The authorization server could not refresh this connection.", null);
                                }
                                return attempt(caller, configId, giveUpAt, retries - 1);
                            });
                });
    }

    private Uni<Void> pause() {
        return Uni.createFrom().emitter(e -> vertx.setTimer(100, id -> e.complete(null)));
    }

    /** The call, with no connection held; then the outcome, where the lease is still this caller's. */
    private Uni<Outcome> refreshUpstream(Lease lease) {
        TokenCipher.StoredToken token = lease.token();
        return tokenEndpoint.refresh(lease.client(), lease.secret(), token.refreshToken())
                .onFailure().invoke(e -> count("error"))
                .onFailure().call(e -> transactions.inTransaction(() -> Sql.update(
                        "UPDATE mcp_oauth_tokens SET refresh_lease_id = NULL, refresh_lease_until = NULL WHERE id = $1 AND refresh_lease_id = $2",
                        token.id(), lease.id())))
                .chain(answer -> transactions.inTransaction(() -> {
                    if ("invalid_grant".equals(answer.error())) {
                        count("invalid_grant");
                        return needsReauth(token, lease.id(), "the authorization server rejected the refresh token");
                    }
                    if ("invalid_client".equals(answer.error())) {
                        count("invalid_client");
                        return needsReauth(token, lease.id(), "the authorization server no longer knows this client")
                                .map(outcome -> OAuthClient.DYNAMIC_REGISTRATION.equals(lease.client().mechanism())
                                        ? outcome.forgettingClient() : outcome);
                    }
                    TokenEndpoint.Tokens tokens;
                    try {
                        tokens = TokenEndpoint.tokens(answer, token.refreshToken());
                    } catch (OAuthUpstreamException e) {
                        count("error");
                        return Sql.update("UPDATE mcp_oauth_tokens SET refresh_lease_id = NULL, refresh_lease_until = NULL WHERE id = $1 "
                                + "AND refresh_lease_id = $2", token.id(), lease.id()).chain(() -> Uni.createFrom().<Outcome>failure(e));
                    }
                    count("success");
                    return Panache.getSession().chain(s -> cipher.refreshed(s, token.id(), lease.id(), tokens.accessToken(),
                            tokens.refreshToken(), tokens.scope(), tokens.expiresAt()))
                            .invoke(stored -> {
                                if (!stored) {
                                    // the lease ran out or the user authorized again meanwhile: the row is another's now
                                    LOG.warnf("A refresh of token %s outlived its lease; its answer is used once and not stored", token.id());
                                }
                            })
                            .replaceWith(new Outcome(tokens.accessToken(), null));
                }));
    }

    private static java.time.OffsetDateTime offset(Instant instant) {
        return instant == null ? null : instant.atOffset(java.time.ZoneOffset.UTC);
    }

    /** {@code client} at the issuer and endpoints that issued {@code token}. */
    static OAuthClient issuer(OAuthClient client, TokenCipher.StoredToken token) {
        TokenCipher.Issued issued = token.issued();
        return client.at(issued.issuer(), issued.tokenEndpoint(), issued.revocationEndpoint());
    }

    /** Committed with the transaction, so the connection stays marked and nobody retries a dead grant. */
    private Uni<Outcome> needsReauth(TokenCipher.StoredToken token, String reason) {
        return Sql.update("""
                UPDATE mcp_oauth_tokens SET status = 'needs_reauth', status_reason = $1, refresh_lease_id = NULL,
                       refresh_lease_until = NULL
                WHERE id = $2 AND refresh_lease_id IS NULL""", reason, token.id())
                .replaceWith(new Outcome(null, reason));
    }

    /** The same, for the holder of a lease: a connection authorized again meanwhile (its lease cleared) is left alone. */
    private Uni<Outcome> needsReauth(TokenCipher.StoredToken token, UUID leaseId, String reason) {
        return Sql.update("""
                UPDATE mcp_oauth_tokens SET status = 'needs_reauth', status_reason = $1, refresh_lease_id = NULL,
                       refresh_lease_until = NULL
                WHERE id = $2 AND refresh_lease_id = $3""", reason, token.id(), leaseId)
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
