package io.agenthub.openai;

import java.util.List;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;

import io.agenthub.executions.ExecutionRecorder.Outcome;
import io.agenthub.tenancy.Caller;
import io.agenthub.tenancy.Sql;
import io.smallrye.mutiny.Uni;

/**
 * The statements of a completion that names no chat session, each one round trip in the caller's
 * transaction: its execution row opened with the system prompts read, and closed.
 */
@ApplicationScoped
class CompletionStatements {

    /**
     * The agent and model named (at which row versions, and whether both are enabled) and, when
     * they are, the running execution opened and the caller's system prompts. Null: no such model.
     */
    record Begun(UUID agentId, String agentVersion, UUID modelId, String modelVersion, boolean usable, UUID executionId,
            List<String> systemPrompts) {
    }

    Uni<Begun> begin(Caller caller, String agent, String model) {
        return Sql.record(r -> new Begun(r.uuid("agent_id"), r.text("agent_version"), r.uuid("model_id"), r.text("model_version"),
                r.bool("usable"), r.uuid("execution_id"),
                r.uuid("execution_id") == null ? List.of() : List.of(r.texts("system_prompts"))), """
                WITH target AS (
                    SELECT a.id AS agent_id, a.xmin::text AS agent_version, m.id AS model_id, m.xmin::text AS model_version,
                           a.enabled AND m.enabled AS usable
                    FROM agents a JOIN models m ON m.agent_id = a.id
                    WHERE a.name = $1 AND m.name = $2),
                execution AS (
                    INSERT INTO agent_executions (organization_id, user_id, agent_id, model_id)
                    SELECT $3, $4, agent_id, model_id FROM target WHERE usable
                    RETURNING id)
                SELECT target.*, execution.id AS execution_id,
                       CASE WHEN execution.id IS NOT NULL THEN ARRAY(SELECT content FROM get_effective_system_prompts())
                           END AS system_prompts
                FROM target LEFT JOIN execution ON true""", agent, model, caller.organizationId(), caller.userId());
    }

    /** Closes the execution with its outcome; false when it was no longer running (the reaper ended it first). */
    Uni<Boolean> end(UUID executionId, Outcome o) {
        String error = o.errorMessage() == null ? null : o.errorMessage().substring(0, Math.min(4000, o.errorMessage().length()));
        return Sql.update("""
                UPDATE agent_executions SET status = $2, completed_at = now(), latency_ms = $3, time_to_first_token_ms = $4,
                    hub_overhead_ms = $5, input_tokens = $6, output_tokens = $7, attempts = $8, error_code = $9,
                    error_message = $10, streamed = $11
                WHERE id = $1 AND status = 'running'""", executionId, o.status(), clamp(o.latencyMs()),
                o.timeToFirstTokenMs() == null ? null : clamp(o.timeToFirstTokenMs()), clamp(o.hubOverheadMs()), o.inputTokens(),
                o.outputTokens(), o.attempts(), o.errorCode(), error, o.streamed()).map(n -> n == 1);
    }

    /** The models the caller may use: enabled models of enabled agents. */
    Uni<List<ModelList.Entry>> models() {
        return Sql.records(r -> new ModelList.Entry(r.text("agent") + "/" + r.text("model"), "model",
                r.instant("created_at").getEpochSecond(), r.text("agent")), """
                SELECT a.name AS agent, m.name AS model, m.created_at
                FROM agents a JOIN models m ON m.agent_id = a.id
                WHERE a.enabled AND m.enabled
                ORDER BY a.name, m.name""");
    }

    private static int clamp(long millis) {
        return (int) Math.min(millis, Integer.MAX_VALUE);
    }
}
