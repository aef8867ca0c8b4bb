package io.agenthub.executions;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Stream;

import jakarta.enterprise.context.ApplicationScoped;

import io.agenthub.tenancy.Sql;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.smallrye.mutiny.Uni;

/**
 * The one execution recorder: an agent_executions row opens before the upstream call and is closed
 * exactly once when the reply ends, however it ends; the Micrometer meters are updated from the
 * same facts at the same moment. A chat turn writes the row in the same statements as its messages
 * (one statement to begin, one to end: see ChatTurns), an OpenAI-compatible completion in two of
 * its own (CompletionStatements), and each reports here what they wrote; the
 * recorder writes what happens to a row in between (a fallback reroute, the liveness report and
 * the reaping of abandoned ones).
 */
@ApplicationScoped
public class ExecutionRecorder {

    /**
     * Upper bounds of the latency histograms: LLM calls take from tens of milliseconds to minutes.
     * Percentiles come from these buckets on the Prometheus side (histogram_quantile), which
     * aggregates across replicas; client-side quantiles would not, and promtool rejects them on histograms.
     */
    static final Duration[] LLM_BUCKETS = Stream.of(50, 100, 250, 500, 1_000, 2_500, 5_000, 10_000, 20_000, 30_000, 60_000, 120_000)
            .map(Duration::ofMillis).toArray(Duration[]::new);
    /** The hub's own share of a request is milliseconds: finer buckets. */
    static final Duration[] OVERHEAD_BUCKETS = Stream.of(1, 2, 5, 10, 25, 50, 100, 250, 500, 1_000, 2_500)
            .map(Duration::ofMillis).toArray(Duration[]::new);
    /**
     * A running execution is forgotten after this long even if it never finished (its first
     * transaction failed to commit, say), so the in-flight gauge cannot drift upwards forever.
     */
    static final long IN_FLIGHT_EXPIRY_NANOS = Duration.ofMinutes(30).toNanos();

    static final List<String> OUTCOMES = List.of("success", "error", "timeout", "cancelled", "rejected");

    private record Running(String agent, long since) {
    }

    private final MeterRegistry meters;
    private final Map<UUID, Running> running = new ConcurrentHashMap<>();

    private final Counter abandoned;

    public ExecutionRecorder(MeterRegistry meters) {
        this.meters = meters;
        this.abandoned = Counter.builder("agent_hub_executions_abandoned")
                .description("Executions ended by housekeeping because their turn could not record its end").register(meters);
    }

    /** How an execution ended. {@code status}: success, error, timeout, cancelled or rejected. */
    public record Outcome(String status, long latencyMs, Long timeToFirstTokenMs, long hubOverheadMs,
            Integer inputTokens, Integer outputTokens, int attempts, String errorCode, String errorMessage, boolean streamed) {
    }

    /**
     * A running execution row was committed (by the statement that begins a chat turn, which
     * writes it together with the user's message): this replica now reports it alive.
     */
    public void opened(UUID executionId, String agent) {
        running.put(executionId, new Running(agent, System.nanoTime()));
    }

    /**
     * The agent's breaker is open and the call goes to its fallback: the row names the model that
     * answers and keeps the one that was asked for.
     */
    public Uni<Void> reroute(UUID executionId, String agent, UUID agentId, UUID modelId) {
        return Sql.update("""
                UPDATE agent_executions SET requested_model_id = model_id, agent_id = $1, model_id = $2
                WHERE id = $3 AND status = 'running'""", agentId, modelId, executionId)
                .invoke(() -> running.computeIfPresent(executionId, (id, r) -> new Running(agent, r.since())))
                .replaceWithVoid();
    }

    /** Executions of the agent started on this replica and not finished yet. */
    public int inFlight(String agent) {
        long now = System.nanoTime();
        running.values().removeIf(r -> now - r.since() > IN_FLIGHT_EXPIRY_NANOS);
        return (int) running.values().stream().filter(r -> r.agent().equals(agent)).count();
    }

    /**
     * The statement that ends a chat turn wrote the execution's outcome (with the reply, in one
     * statement); {@code closedNow} is false when it found the row no longer running (the reaper
     * ended it first), and then the outcome was counted already.
     */
    public void closed(UUID executionId, String agent, String model, Outcome outcome, boolean closedNow) {
        running.remove(executionId);
        if (closedNow) {
            meter(agent, model, outcome);
        }
    }

    /** The turn ended without recording its execution: no longer reported alive, so the reaper ends it. */
    public void forget(UUID executionId) {
        running.remove(executionId);
    }

    /**
     * Reports this replica's running executions alive and ends those no replica has reported for
     * {@code silence}: their replica was killed, or their turn could not record its end. While an
     * execution runs, its latency_ms is the time elapsed as last reported by the replica running
     * it. Abandoned ones end as an error with code {@code abandoned}, counted like any other
     * outcome, whichever replica runs this; one statement, so a report and the reaping it protects
     * from see the same rows. Runs in a system context.
     */
    public Uni<Integer> reapAbandoned(Duration silence) {
        return Sql.rows("""
                WITH alive AS (
                    UPDATE agent_executions
                    SET latency_ms = LEAST(EXTRACT(EPOCH FROM now() - started_at) * 1000, 2147483647)::integer
                    WHERE id = ANY($1) AND status = 'running'
                    RETURNING id)
                UPDATE agent_executions e SET status = 'error', completed_at = now(),
                    latency_ms = LEAST(EXTRACT(EPOCH FROM now() - e.started_at) * 1000, 2147483647)::integer,
                    error_code = 'abandoned',
                    error_message = 'The turn ended without recording its result; closed by housekeeping.'
                FROM agents a, models m
                WHERE a.id = e.agent_id AND m.id = e.model_id AND e.status = 'running'
                  AND e.id NOT IN (SELECT id FROM alive)
                  AND e.started_at + make_interval(secs => COALESCE(e.latency_ms, 0) / 1000.0)
                      < now() - make_interval(secs => $2)
                RETURNING e.id, a.name, m.name""", running.keySet().toArray(UUID[]::new), (double) silence.toMillis() / 1000)
                .invoke(rows -> rows.forEach(row -> {
                    running.remove((UUID) row[0]);
                    abandoned.increment();
                    outcome((String) row[1], (String) row[2], "error");
                }))
                .map(List::size);
    }

    private void outcome(String agent, String model, String status) {
        outcome(agent, model, status, 1);
    }

    private void outcome(String agent, String model, String status, int count) {
        Counter.builder("agent_hub_executions").description("Finished executions by outcome")
                .tag("agent", agent).tag("model", model).tag("outcome", status)
                .register(meters).increment(count);
    }

    /** Every outcome of an agent's model exported from the start at 0, so rate() sees the first one. */
    public void prime(String agent, String model) {
        for (String status : OUTCOMES) {
            outcome(agent, model, status, 0);
        }
    }

    private void meter(String agent, String model, Outcome o) {
        outcome(agent, model, o.status());
        Timer.builder("agent_hub_overhead").description("Time spent in Agent Hub per chat turn, excluding the upstream call")
                .serviceLevelObjectives(OVERHEAD_BUCKETS)
                .register(meters).record(Duration.ofMillis(o.hubOverheadMs()));
        tokens(agent, model, "input", o.inputTokens());
        tokens(agent, model, "output", o.outputTokens());
        if (o.status().equals("rejected")) {
            // refused by an open breaker or a full bulkhead: no upstream call, no latency; the outcome counts it
            return;
        }
        llmTimer("agent_hub_execution_latency", "Upstream call duration, retries included", agent, model)
                .record(Duration.ofMillis(o.latencyMs()));
        if (o.timeToFirstTokenMs() != null) {
            llmTimer("agent_hub_time_to_first_token", "Time until the first token of a reply", agent, model)
                    .record(Duration.ofMillis(o.timeToFirstTokenMs()));
        }
    }

    private void tokens(String agent, String model, String direction, Integer count) {
        if (count != null) {
            Counter.builder("agent_hub_tokens").description("Tokens sent to and received from models")
                    .tag("agent", agent).tag("model", model).tag("direction", direction).register(meters).increment(count);
        }
    }

    private Timer llmTimer(String name, String description, String agent, String model) {
        return Timer.builder(name).description(description).tag("agent", agent).tag("model", model)
                .serviceLevelObjectives(LLM_BUCKETS)
                .register(meters);
    }
}
