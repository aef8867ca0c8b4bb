package io.agenthub.chat;

import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;

import io.agenthub.agents.providers.ChatProvider;
import io.agenthub.executions.ExecutionRecorder.Outcome;
import io.agenthub.tenancy.Caller;
import io.agenthub.tenancy.Sql;
import io.agenthub.tenancy.SqlRow;
import io.smallrye.mutiny.Uni;

/**
 * The statements of a chat turn, each one round trip in the caller's transaction. A turn begins
 * and ends with one statement each (data-modifying CTEs): at a few hundred turns a second every
 * round trip and every entity flush counts, and one statement also cannot be half applied.
 */
@ApplicationScoped
class TurnStatements {

    /** Rough size of a token, to cut history to the model's context budget without a tokenizer. */
    static final int CHARS_PER_TOKEN = 4;
    /** The history sent with a turn is at most this many messages, before the budget cuts it. */
    static final int HISTORY_LIMIT = 500;

    /**
     * What the first statement found and wrote. No session (someone else's or unknown): no row.
     * {@code earlier}: a message with the same Idempotency-Key exists, and nothing was written.
     * {@code context}: the system prompts, then the history before the new message, cut to the budget.
     */
    record Begun(boolean usable, UUID earlier, UUID agentId, String agentVersion, UUID modelId, String modelVersion,
            MessageView userMessage, UUID executionId, List<ChatProvider.Message> context) {
    }

    /**
     * The first statement of a turn ({@link #begin}). The history is read {@code WHERE session_id >=
     * $1 AND session_id <= $1 ORDER BY session_id, seq}, not {@code session_id = $1 ORDER BY seq}.
     * Under an equality the planner drops {@code session_id} from the order, and {@code seq}'s own
     * unique index then gives that order too: a generic plan (each connection plans a turn once)
     * guesses every session holds the table's average and may walk the whole table's {@code seq}
     * index, filtering for this session. On a table of a few large sessions that took 10-130 ms per
     * turn, and a small session's read visited every row (EXPLAIN ANALYZE: 21.8 ms, 29,419 buffers,
     * against 0.04 ms). Only {@code idx_chat_messages_session_seq} gives the order asked for here,
     * whatever the statistics.
     */
    static final String BEGIN = """
                WITH session AS (
                    SELECT s.id, s.agent_id, s.model_id, a.xmin::text AS agent_version, m.xmin::text AS model_version,
                           a.enabled AND m.enabled AS usable,
                           GREATEST(1, m.context_window - m.max_output_tokens)::bigint * $6::bigint AS budget,
                           (SELECT e.id FROM chat_messages e WHERE e.session_id = s.id AND e.idempotency_key = $4) AS earlier
                    FROM chat_sessions s JOIN agents a ON a.id = s.agent_id JOIN models m ON m.id = s.model_id
                    WHERE s.id = $1 AND s.user_id = $2),
                message AS (
                    INSERT INTO chat_messages (session_id, organization_id, user_id, role, content, idempotency_key)
                    SELECT id, $3, $2, 'user', $5, $4 FROM session WHERE usable AND earlier IS NULL
                    RETURNING id, seq, created_at),
                execution AS (
                    INSERT INTO agent_executions (organization_id, user_id, session_id, user_message_id, agent_id, model_id)
                    SELECT $3, $2, session.id, message.id, session.agent_id, session.model_id FROM session, message
                    RETURNING id),
                activity AS (
                    UPDATE chat_sessions SET last_message_at = now(), title = COALESCE(title, $7)
                    WHERE id = (SELECT session.id FROM session, message)),
                history AS (
                    SELECT seq, role, content FROM (
                        SELECT seq, role, content, sum(char_length(content)) OVER (ORDER BY seq DESC) AS used
                        FROM (SELECT seq, role, content FROM chat_messages
                              WHERE session_id >= $1 AND session_id <= $1 AND status = 'complete' AND role IN ('user', 'assistant')
                              ORDER BY session_id DESC, seq DESC LIMIT $8) recent) counted
                    WHERE used + char_length($5) <= (SELECT budget FROM session))
                SELECT session.usable, session.earlier, session.agent_id, session.agent_version, session.model_id,
                       session.model_version, message.id AS message_id, message.seq, message.created_at, execution.id AS execution_id,
                       CASE WHEN message.id IS NOT NULL THEN ARRAY(SELECT content FROM get_effective_system_prompts())
                           END AS system_prompts,
                       CASE WHEN message.id IS NOT NULL THEN ARRAY(SELECT role FROM history ORDER BY seq) END AS history_roles,
                       CASE WHEN message.id IS NOT NULL THEN ARRAY(SELECT content FROM history ORDER BY seq) END AS history_contents
                FROM session LEFT JOIN message ON true LEFT JOIN execution ON true""";

    /**
     * The session (the caller's own), its agent and model (enabled, at which row versions), and an
     * earlier message with the same key; then, when the turn may go ahead, the user message, the
     * running execution and the session's activity written, and the context read as it was before.
     * The prompts function is called plainly so PostgreSQL inlines it, keeping its order (WITH
     * ORDINALITY would make it a function scan, planned again on every call: a millisecond).
     */
    Uni<Begun> begin(Caller caller, UUID sessionId, String content, String idempotencyKey, String title) {
        return Sql.record(r -> begun(r, content), BEGIN,
                sessionId, caller.userId(), caller.organizationId(), idempotencyKey, content, (long) CHARS_PER_TOKEN, title,
                (long) HISTORY_LIMIT - 1);
    }

    private static Begun begun(SqlRow r, String content) {
        UUID message = r.uuid("message_id");
        List<ChatProvider.Message> context = new ArrayList<>();
        if (message != null) {
            for (String prompt : r.texts("system_prompts")) {
                context.add(new ChatProvider.Message("system", prompt));
            }
            String[] roles = r.texts("history_roles");
            String[] contents = r.texts("history_contents");
            for (int i = 0; i < roles.length; i++) {
                // an assistant message that only called tools (through /v1) has no text to send; it is skipped
                // here rather than filtered in the statement, where a filter on tool_calls changed the plan
                if (!contents[i].isEmpty()) {
                    context.add(new ChatProvider.Message(roles[i], contents[i]));
                }
            }
        }
        return new Begun(r.bool("usable"), r.uuid("earlier"), r.uuid("agent_id"), r.text("agent_version"), r.uuid("model_id"),
                r.text("model_version"), message == null ? null
                        : new MessageView(message, r.bigint("seq"), "user", content, "complete", null, null, r.instant("created_at")),
                r.uuid("execution_id"), context);
    }

    /** The session is the caller's own and its agent and model are enabled: what beginning a turn would check. */
    Uni<Boolean> usable(Caller caller, UUID sessionId) {
        return Sql.record(r -> r.bool("usable"), """
                SELECT a.enabled AND m.enabled AS usable
                FROM chat_sessions s JOIN agents a ON a.id = s.agent_id JOIN models m ON m.id = s.model_id
                WHERE s.id = $1 AND s.user_id = $2""", sessionId, caller.userId());
    }

    /** What the last statement wrote: the reply, and whether the execution was still running to be closed. */
    record Ended(MessageView reply, boolean closed) {
    }

    /** The reply (complete, partial or failed), the execution's outcome and the session's activity. */
    Uni<Ended> end(Caller caller, UUID sessionId, UUID executionId, String content, String status, Outcome o) {
        String error = o.errorMessage() == null ? null : o.errorMessage().substring(0, Math.min(4000, o.errorMessage().length()));
        return Sql.record(r -> new Ended(new MessageView(r.uuid("id"), r.bigint("seq"), "assistant", content, status, o.inputTokens(),
                o.outputTokens(), r.instant("created_at")), r.bool("closed")), """
                WITH reply AS (
                    INSERT INTO chat_messages (session_id, organization_id, user_id, role, content, status, input_tokens, output_tokens)
                    VALUES ($1, $2, $3, 'assistant', $4, $5, $6, $7)
                    RETURNING id, seq, created_at),
                closed AS (
                    UPDATE agent_executions SET status = $9, completed_at = now(), latency_ms = $10, time_to_first_token_ms = $11,
                        hub_overhead_ms = $12, input_tokens = $6, output_tokens = $7, attempts = $13, error_code = $14,
                        error_message = $15, streamed = $16, assistant_message_id = (SELECT id FROM reply)
                    WHERE id = $8 AND status = 'running'
                    RETURNING id),
                activity AS (
                    UPDATE chat_sessions SET last_message_at = now() WHERE id = $1)
                SELECT reply.id, reply.seq, reply.created_at, EXISTS (SELECT 1 FROM closed) AS closed FROM reply""",
                sessionId, caller.organizationId(), caller.userId(), content, status, o.inputTokens(), o.outputTokens(), executionId,
                o.status(), clamp(o.latencyMs()), o.timeToFirstTokenMs() == null ? null : clamp(o.timeToFirstTokenMs()),
                clamp(o.hubOverheadMs()), o.attempts(), o.errorCode(), error, o.streamed());
    }

    /** The first answer to a message sent with an Idempotency-Key, and how its execution ended. */
    record Replayed(MessageView userMessage, MessageView reply, UUID executionId, String status, Integer inputTokens,
            Integer outputTokens, long latencyMs, String errorCode, String fallbackModel) {
    }

    Uni<Replayed> replay(UUID userMessageId) {
        return Sql.record(r -> new Replayed(
                new MessageView(r.uuid("user_id"), r.bigint("user_seq"), "user", r.text("user_content"), "complete", null, null,
                        r.instant("user_created_at")),
                r.uuid("reply_id") == null ? null : new MessageView(r.uuid("reply_id"), r.bigint("reply_seq"), "assistant",
                        r.text("reply_content"), r.text("reply_status"), r.integer("reply_input_tokens"),
                        r.integer("reply_output_tokens"), r.instant("reply_created_at")),
                r.uuid("execution_id"), r.text("status"), r.integer("input_tokens"), r.integer("output_tokens"),
                r.integer("latency_ms") == null ? 0 : r.integer("latency_ms"), r.text("error_code"), r.text("fallback_model")), """
                SELECT u.id AS user_id, u.seq AS user_seq, u.content AS user_content, u.created_at AS user_created_at,
                       e.id AS execution_id, e.status, e.input_tokens, e.output_tokens, e.latency_ms, e.error_code,
                       CASE WHEN e.requested_model_id IS NOT NULL THEN a.name || '/' || m.name END AS fallback_model,
                       r.id AS reply_id, r.seq AS reply_seq, r.content AS reply_content, r.status AS reply_status,
                       r.input_tokens AS reply_input_tokens, r.output_tokens AS reply_output_tokens, r.created_at AS reply_created_at
                FROM chat_messages u
                LEFT JOIN agent_executions e ON e.user_message_id = u.id
                LEFT JOIN agents a ON a.id = e.agent_id LEFT JOIN models m ON m.id = e.model_id
                LEFT JOIN chat_messages r ON r.id = e.assistant_message_id
                WHERE u.id = $1""", userMessageId);
    }

    private static int clamp(long millis) {
        return (int) Math.min(millis, Integer.MAX_VALUE);
    }
}
