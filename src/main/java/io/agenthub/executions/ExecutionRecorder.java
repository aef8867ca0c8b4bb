package io.agenthub.executions;

import java.time.Duration;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;

import org.hibernate.reactive.mutiny.Mutiny;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.smallrye.mutiny.Uni;

/**
 * The one execution recorder: an agent_executions row opens before the upstream call and is closed
 * exactly once when the reply ends, however it ends; the Micrometer meters are updated from the
 * same facts at the same moment.
 */
@ApplicationScoped
public class ExecutionRecorder {

    private final MeterRegistry meters;

    public ExecutionRecorder(MeterRegistry meters) {
        this.meters = meters;
    }

    /** How an execution ended. {@code status}: success, error, timeout, cancelled or rejected. */
    public record Outcome(String status, UUID assistantMessageId, long latencyMs, Long timeToFirstTokenMs, long hubOverheadMs,
            Integer inputTokens, Integer outputTokens, int attempts, String errorCode, String errorMessage, boolean streamed) {
    }

    public Uni<UUID> start(Mutiny.Session session, UUID orgId, UUID userId, UUID chatSessionId, UUID userMessageId, UUID agentId,
            UUID modelId, UUID requestedModelId) {
        UUID id = UUID.randomUUID();
        return session.createNativeQuery("""
                INSERT INTO agent_executions (id, organization_id, user_id, session_id, user_message_id, agent_id, model_id,
                                              requested_model_id, status)
                VALUES (:id, :org, :user, :session, :message, :agent, :model, CAST(CAST(:requested AS text) AS uuid), 'running')""")
                .setParameter("id", id).setParameter("org", orgId).setParameter("user", userId)
                .setParameter("session", chatSessionId).setParameter("message", userMessageId)
                .setParameter("agent", agentId).setParameter("model", modelId)
                .setParameter("requested", requestedModelId == null ? null : requestedModelId.toString())
                .executeUpdate().replaceWith(id);
    }

    public Uni<Void> finish(Mutiny.Session session, UUID executionId, String agent, String model, Outcome o) {
        return session.createNativeQuery("""
                UPDATE agent_executions SET status = :status, completed_at = now(), latency_ms = :latency,
                    time_to_first_token_ms = CAST(CAST(:ttft AS text) AS integer), hub_overhead_ms = :overhead,
                    input_tokens = CAST(CAST(:input AS text) AS integer), output_tokens = CAST(CAST(:output AS text) AS integer),
                    attempts = :attempts, error_code = CAST(:code AS text), error_message = CAST(:message AS text),
                    streamed = :streamed, assistant_message_id = CAST(CAST(:assistant AS text) AS uuid)
                WHERE id = :id AND status = 'running'""")
                .setParameter("status", o.status()).setParameter("latency", (int) Math.min(o.latencyMs(), Integer.MAX_VALUE))
                .setParameter("ttft", o.timeToFirstTokenMs() == null ? null : o.timeToFirstTokenMs().toString())
                .setParameter("overhead", (int) Math.min(o.hubOverheadMs(), Integer.MAX_VALUE))
                .setParameter("input", o.inputTokens() == null ? null : o.inputTokens().toString())
                .setParameter("output", o.outputTokens() == null ? null : o.outputTokens().toString())
                .setParameter("attempts", o.attempts())
                .setParameter("code", o.errorCode())
                .setParameter("message", o.errorMessage() == null ? null : o.errorMessage().substring(0, Math.min(4000, o.errorMessage().length())))
                .setParameter("streamed", o.streamed())
                .setParameter("assistant", o.assistantMessageId() == null ? null : o.assistantMessageId().toString())
                .setParameter("id", executionId)
                .executeUpdate()
                .invoke(updated -> {
                    if (updated == 1) {
                        meter(agent, model, o);
                    }
                })
                .replaceWithVoid();
    }

    private void meter(String agent, String model, Outcome o) {
        Counter.builder("agent_hub_executions").tag("agent", agent).tag("model", model).tag("outcome", o.status())
                .register(meters).increment();
        Timer.builder("agent_hub_execution_latency").tag("agent", agent).tag("model", model)
                .publishPercentileHistogram().minimumExpectedValue(Duration.ofMillis(50)).maximumExpectedValue(Duration.ofSeconds(120))
                .register(meters).record(Duration.ofMillis(o.latencyMs()));
        Timer.builder("agent_hub_overhead").publishPercentileHistogram()
                .minimumExpectedValue(Duration.ofMillis(1)).maximumExpectedValue(Duration.ofSeconds(10))
                .register(meters).record(Duration.ofMillis(o.hubOverheadMs()));
        if (o.inputTokens() != null) {
            Counter.builder("agent_hub_tokens").tag("agent", agent).tag("model", model).tag("direction", "input")
                    .register(meters).increment(o.inputTokens());
        }
        if (o.outputTokens() != null) {
            Counter.builder("agent_hub_tokens").tag("agent", agent).tag("model", model).tag("direction", "output")
                    .register(meters).increment(o.outputTokens());
        }
    }
}
