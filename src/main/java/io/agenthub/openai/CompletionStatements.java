package io.agenthub.openai;

import java.util.List;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;

import io.agenthub.executions.ExecutionRecorder.Outcome;
import io.agenthub.tenancy.Caller;
import io.agenthub.tenancy.Sql;
import io.smallrye.mutiny.Uni;

/**
 * The statements of a completion, each one round trip in the caller's transaction: its execution
 * row opened with the system prompts read (and the new messages stored, when it names a chat
 * session), and closed (with the reply stored).
 */
@ApplicationScoped
class CompletionStatements {

    /**
     * What the first statement found and wrote; always one row. No target (agent id null): no such
     * model. {@code sessionFound}/{@code sessionModel}: the named session, when it is the caller's,
     * and the {@code agent/model} it talks to. {@code earlier*}: an execution begun with the same
     * Idempotency-Key, and then nothing was written. {@code executionId}: the running execution
     * opened, when the call may go ahead.
     */
    record Begun(UUID agentId, String agentVersion, UUID modelId, String modelVersion, boolean usable, boolean sessionFound,
            String sessionModel, boolean sessionMatches, UUID earlierId, String earlierStatus, String earlierDigest,
            String earlierResponse, String earlierError, UUID executionId, List<String> systemPrompts) {
    }

    /** The messages a completion stores in its session: what the request adds after its last assistant message. */
    record Stored(String[] roles, String[] contents, String[] toolCallIds, String title) {

        static final Stored NOTHING = new Stored(new String[0], new String[0], new String[0], null);
    }

    /**
     * The model named; the session named (the caller's own); an execution with the same key; then,
     * when the call may go ahead, the new messages stored in the session, the running execution
     * opened with the key and the request's digest, and the caller's system prompts read.
     */
    Uni<Begun> begin(Caller caller, String agent, String model, UUID sessionId, String idempotencyKey, String digest, Stored stored) {
        return Sql.record(r -> new Begun(r.uuid("agent_id"), r.text("agent_version"), r.uuid("model_id"), r.text("model_version"),
                r.bool("usable"), r.bool("session_found"), r.text("session_model"), r.bool("session_matches"), r.uuid("earlier_id"),
                r.text("earlier_status"), r.text("earlier_digest"), r.text("earlier_response"), r.text("earlier_error"),
                r.uuid("execution_id"), r.uuid("execution_id") == null ? List.of() : List.of(r.texts("system_prompts"))), """
                WITH target AS (
                    SELECT a.id AS agent_id, a.xmin::text AS agent_version, m.id AS model_id, m.xmin::text AS model_version,
                           a.enabled AND m.enabled AS usable
                    FROM agents a JOIN models m ON m.agent_id = a.id
                    WHERE a.name = $1 AND m.name = $2),
                session AS (
                    SELECT s.id, s.model_id, a.name || '/' || m.name AS model
                    FROM chat_sessions s JOIN agents a ON a.id = s.agent_id JOIN models m ON m.id = s.model_id
                    WHERE s.id = $5 AND s.user_id = $4),
                earlier AS (
                    SELECT e.id, e.status, e.request_digest, e.response::text AS response, e.error_code
                    FROM agent_executions e WHERE e.user_id = $4 AND e.idempotency_key = $6),
                accepted AS (
                    SELECT target.agent_id, target.model_id FROM target
                    WHERE target.usable AND NOT EXISTS (SELECT 1 FROM earlier)
                      AND ($5::uuid IS NULL OR EXISTS (SELECT 1 FROM session WHERE session.model_id = target.model_id))),
                stored AS (
                    INSERT INTO chat_messages (session_id, organization_id, user_id, role, content, tool_call_id)
                    SELECT $5, $3, $4, added.role, added.content, added.tool_call_id
                    FROM accepted CROSS JOIN unnest($8::text[], $9::text[], $10::text[]) WITH ORDINALITY
                        AS added(role, content, tool_call_id, n)
                    WHERE $5::uuid IS NOT NULL
                    ORDER BY added.n
                    RETURNING id, seq, role),
                execution AS (
                    INSERT INTO agent_executions (organization_id, user_id, session_id, user_message_id, agent_id, model_id,
                                                  idempotency_key, request_digest)
                    SELECT $3, $4, $5, (SELECT id FROM stored WHERE role = 'user' ORDER BY seq DESC LIMIT 1), agent_id, model_id,
                           $6, $7
                    FROM accepted
                    RETURNING id),
                activity AS (
                    UPDATE chat_sessions SET last_message_at = now(), title = COALESCE(title, $11)
                    WHERE id = $5 AND EXISTS (SELECT 1 FROM execution))
                SELECT target.agent_id, target.agent_version, target.model_id, target.model_version, target.usable,
                       EXISTS (SELECT 1 FROM session) AS session_found, (SELECT model FROM session) AS session_model,
                       COALESCE((SELECT session.model_id = target.model_id FROM session), false) AS session_matches,
                       earlier.id AS earlier_id, earlier.status AS earlier_status, earlier.request_digest AS earlier_digest,
                       earlier.response AS earlier_response, earlier.error_code AS earlier_error, execution.id AS execution_id,
                       CASE WHEN execution.id IS NOT NULL THEN ARRAY(SELECT content FROM get_effective_system_prompts())
                           END AS system_prompts
                FROM (SELECT 1) one LEFT JOIN target ON true LEFT JOIN earlier ON true LEFT JOIN execution ON true""",
                agent, model, caller.organizationId(), caller.userId(), sessionId, idempotencyKey, digest, stored.roles(),
                stored.contents(), stored.toolCallIds(), stored.title());
    }

    /**
     * What ends a completion besides its outcome: the reply stored in its session (when it names one:
     * text, tool calls as JSON, complete, partial or failed) and the answer kept for a retry with the
     * same Idempotency-Key (when it was sent with one).
     */
    record Ending(UUID sessionId, String content, String status, String toolCalls, String response) {
    }

    /**
     * Closes the execution with its outcome, in the same statement as the reply it stores; false when
     * the execution was no longer running (the reaper ended it first). The JSON goes as text: the
     * client would send a String bound to jsonb as a JSON string.
     */
    Uni<Boolean> end(Caller caller, UUID executionId, Outcome o, Ending ending) {
        String error = o.errorMessage() == null ? null : o.errorMessage().substring(0, Math.min(4000, o.errorMessage().length()));
        return Sql.record(r -> r.bool("closed"), """
                WITH reply AS (
                    INSERT INTO chat_messages (session_id, organization_id, user_id, role, content, status, input_tokens,
                                               output_tokens, tool_calls)
                    SELECT $12, $13, $14, 'assistant', $15, $16, $6, $7, $17::text::jsonb WHERE $12::uuid IS NOT NULL
                    RETURNING id),
                closed AS (
                    UPDATE agent_executions SET status = $2, completed_at = now(), latency_ms = $3, time_to_first_token_ms = $4,
                        hub_overhead_ms = $5, input_tokens = $6, output_tokens = $7, attempts = $8, error_code = $9,
                        error_message = $10, streamed = $11, assistant_message_id = (SELECT id FROM reply), response = $18::text::jsonb
                    WHERE id = $1 AND status = 'running'
                    RETURNING id),
                activity AS (
                    UPDATE chat_sessions SET last_message_at = now() WHERE id = $12)
                SELECT EXISTS (SELECT 1 FROM closed) AS closed""", executionId, o.status(), clamp(o.latencyMs()),
                o.timeToFirstTokenMs() == null ? null : clamp(o.timeToFirstTokenMs()), clamp(o.hubOverheadMs()), o.inputTokens(),
                o.outputTokens(), o.attempts(), o.errorCode(), error, o.streamed(), ending.sessionId(), caller.organizationId(),
                caller.userId(), ending.content(), ending.status(), ending.toolCalls(), ending.response());
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
