package io.agenthub.agents;

import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;

import org.jboss.logging.Logger;

import io.agenthub.agents.providers.ChatProvider;
import io.agenthub.tenancy.TenantTransactions;
import io.quarkus.hibernate.reactive.panache.Panache;
import io.quarkus.scheduler.Scheduled;
import io.smallrye.mutiny.Uni;

/**
 * Probes every enabled agent with a cheap provider call and writes agent_health. Each replica
 * schedules it, but a probe first claims the agent's row for the period (a conditional UPDATE),
 * so one replica probes each agent per period and the others skip it.
 */
@ApplicationScoped
public class AgentHealthProbe {

    private static final Logger LOG = Logger.getLogger(AgentHealthProbe.class);
    /** Slower than this is degraded even when it succeeds. */
    static final long DEGRADED_MS = 5_000;
    /** Consecutive failures from which an agent is unhealthy rather than degraded. */
    static final int UNHEALTHY_AFTER = 3;

    private final TenantTransactions transactions;
    private final AgentCaller agents;
    private final AgentsConfig config;

    public AgentHealthProbe(TenantTransactions transactions, AgentCaller agents,
            AgentsConfig config) {
        this.transactions = transactions;
        this.agents = agents;
        this.config = config;
    }

    record Claim(UUID agentId, String agent, String provider, String providerModelId, java.util.Map<String, Object> config) {
    }

    public record Result(String agent, String status, long latencyMs, String error) {
    }

    @Scheduled(every = "${agent-hub.agents.health-period}", delayed = "${agent-hub.agents.health-first-delay}",
            concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    Uni<Void> scheduled() {
        return run().replaceWithVoid().onFailure().recoverWithUni(e -> {
            LOG.errorf(e, "Agent health probe failed");
            return Uni.createFrom().voidItem();
        });
    }

    /** Probes the agents this replica claims for the current period. */
    public Uni<List<Result>> run() {
        return claim().chain(claims -> {
            Uni<List<Result>> results = Uni.createFrom().item(new ArrayList<>());
            for (Claim claim : claims) {
                results = results.chain(list -> probe(claim).chain(result -> record(claim, result)).map(result -> {
                    list.add(result);
                    return list;
                }));
            }
            return results;
        });
    }

    @SuppressWarnings("unchecked")
    private Uni<List<Claim>> claim() {
        return transactions.asSystem(() -> Panache.getSession().chain(s -> s.createNativeQuery("""
                UPDATE agent_health h SET last_check_at = now(), checked_by = :by
                FROM agents a
                WHERE a.id = h.agent_id AND a.enabled
                  AND (h.last_check_at IS NULL OR h.last_check_at < now() - make_interval(secs => :period * 0.9))
                RETURNING a.id, a.name, a.config ->> 'provider', a.config::text,
                          (SELECT m.provider_model_id FROM models m WHERE m.agent_id = a.id AND m.enabled ORDER BY m.name LIMIT 1)""",
                Object[].class)
                .setParameter("by", Replica.name()).setParameter("period", config.healthPeriod().toMillis() / 1000.0)
                .getResultList()))
                .map(rows -> rows.stream().filter(r -> r[4] != null).map(r -> new Claim((UUID) r[0], (String) r[1], (String) r[2],
                        (String) r[4], new io.vertx.core.json.JsonObject((String) r[3]).getMap())).toList());
    }

    private Uni<Result> probe(Claim claim) {
        ChatProvider provider = agents.provider(claim.provider()).orElse(null);
        if (provider == null) {
            return Uni.createFrom().item(new Result(claim.agent(), "unhealthy", 0, "no client for provider " + claim.provider()));
        }
        long started = System.nanoTime();
        return provider.probe(claim.providerModelId(), claim.config())
                .map(ok -> {
                    long latency = (System.nanoTime() - started) / 1_000_000;
                    return new Result(claim.agent(), latency > DEGRADED_MS ? "degraded" : "healthy", latency, null);
                })
                .onFailure().recoverWithItem(e -> new Result(claim.agent(), "failed", (System.nanoTime() - started) / 1_000_000,
                        e.getMessage()));
    }

    private Uni<Result> record(Claim claim, Result result) {
        boolean ok = !result.status().equals("failed") && !result.status().equals("unhealthy");
        return transactions.asSystem(() -> Panache.getSession().chain(s -> s.createNativeQuery("""
                UPDATE agent_health SET
                    consecutive_failures = CASE WHEN :ok THEN 0 ELSE consecutive_failures + 1 END,
                    status = CASE WHEN :ok THEN :status
                                  WHEN consecutive_failures + 1 >= :unhealthy THEN 'unhealthy' ELSE 'degraded' END,
                    latency_ms = :latency,
                    last_success_at = CASE WHEN :ok THEN now() ELSE last_success_at END,
                    last_failure_at = CASE WHEN :ok THEN last_failure_at ELSE now() END,
                    last_error = CASE WHEN :ok THEN NULL ELSE CAST(:error AS text) END
                WHERE agent_id = :agent
                RETURNING status""", String.class)
                .setParameter("ok", ok).setParameter("status", ok ? result.status() : "degraded")
                .setParameter("unhealthy", UNHEALTHY_AFTER).setParameter("latency", (int) Math.min(result.latencyMs(), Integer.MAX_VALUE))
                .setParameter("error", result.error() == null ? null : result.error().substring(0, Math.min(4000, result.error().length())))
                .setParameter("agent", claim.agentId())
                .getSingleResult()))
                .map(status -> new Result(result.agent(), status, result.latencyMs(), result.error()));
    }
}
