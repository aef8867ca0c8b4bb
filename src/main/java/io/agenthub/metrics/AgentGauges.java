package io.agenthub.metrics;

import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import jakarta.enterprise.context.ApplicationScoped;

import org.jboss.logging.Logger;

import io.agenthub.agents.SharedBreakers;
import io.agenthub.executions.ExecutionRecorder;
import io.agenthub.tenancy.TenantTransactions;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.hibernate.reactive.panache.Panache;
import io.quarkus.runtime.Startup;
import io.quarkus.scheduler.Scheduled;
import io.smallrye.mutiny.Uni;

/**
 * Per-agent gauges: in-flight executions, plus health and breaker state with one series per state,
 * 1 for the current one (the enum convention: alert on {@code state="open"} without decoding numbers).
 * Health is shared state that one replica probes, so every replica reads it from agent_health.
 * The breaker gauge is the shared breaker as this replica last read or wrote it. The same
 * refresh exports every outcome of every agent's models at 0, so an alert's rate() sees the first.
 */
@ApplicationScoped
@Startup
public class AgentGauges {

    private static final Logger LOG = Logger.getLogger(AgentGauges.class);
    static final List<String> HEALTH_STATES = List.of("healthy", "degraded", "unhealthy", "unknown");
    static final List<String> BREAKER_STATES = List.of("closed", "open", "half_open");

    record Known(String health, String breaker) {
    }

    private final TenantTransactions transactions;
    private final SharedBreakers breakers;
    private final ExecutionRecorder recorder;
    private final MeterRegistry meters;
    private final Map<String, Known> agents = new ConcurrentHashMap<>();
    /** Agent/model pairs whose execution outcomes are exported from 0 already. */
    private final Set<String> primed = ConcurrentHashMap.newKeySet();

    public AgentGauges(TenantTransactions transactions, SharedBreakers breakers, ExecutionRecorder recorder, MeterRegistry meters) {
        this.transactions = transactions;
        this.breakers = breakers;
        this.recorder = recorder;
        this.meters = meters;
    }

    @Scheduled(every = "${agent-hub.metrics.gauge-refresh}", concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    Uni<Void> scheduled() {
        return refresh().onFailure().recoverWithUni(e -> {
            LOG.warnf("Agent gauges not refreshed: %s", e.getMessage());
            return Uni.createFrom().voidItem();
        });
    }

    /**
     * Reads health and persisted breaker state of every agent and the names of its models, in one
     * statement, registering gauges for new agents and priming counters for new models.
     */
    public Uni<Void> refresh() {
        return transactions.asSystem(() -> Panache.getSession().chain(s -> s.createNativeQuery("""
                SELECT a.name, COALESCE(h.status, 'unknown'), COALESCE(cb.state, 'closed'),
                       (SELECT string_agg(m.name, ',') FROM models m WHERE m.agent_id = a.id)
                FROM agents a
                LEFT JOIN agent_health h ON h.agent_id = a.id
                LEFT JOIN circuit_breaker_state cb ON cb.agent_id = a.id""", Object[].class).getResultList()))
                .invoke(rows -> rows.forEach(r -> {
                    String agent = (String) r[0];
                    if (agents.put(agent, new Known((String) r[1], (String) r[2])) == null) {
                        register(agent);
                    }
                    // model names cannot contain a comma (models.name check)
                    for (String model : r[3] == null ? new String[0] : ((String) r[3]).split(",")) {
                        if (primed.add(agent + "/" + model)) {
                            recorder.prime(agent, model);
                        }
                    }
                }))
                .replaceWithVoid();
    }

    private void register(String agent) {
        Gauge.builder("agent_hub_executions_in_flight", () -> recorder.inFlight(agent))
                .description("Executions of the agent waiting for or receiving an upstream reply on this replica")
                .tag("agent", agent).register(meters);
        for (String state : HEALTH_STATES) {
            Gauge.builder("agent_hub_agent_health", () -> state.equals(agents.get(agent).health()) ? 1 : 0)
                    .description("Latest health probe result per agent: 1 for the current status")
                    .tag("agent", agent).tag("status", state).register(meters);
        }
        for (String state : BREAKER_STATES) {
            Gauge.builder("agent_hub_circuit_breaker_state", () -> state.equals(breaker(agent)) ? 1 : 0)
                    .description("Circuit breaker state per agent: 1 for the current state")
                    .tag("agent", agent).tag("state", state).register(meters);
        }
    }

    private String breaker(String agent) {
        return breakers.state(agent).map(SharedBreakers.State::state).orElseGet(() -> agents.get(agent).breaker());
    }
}
