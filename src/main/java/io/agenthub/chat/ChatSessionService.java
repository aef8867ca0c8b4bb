package io.agenthub.chat;

import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;

import io.agenthub.agents.AgentCatalogue;
import io.agenthub.tenancy.Caller;
import io.agenthub.tenancy.CurrentCaller;
import io.agenthub.tenancy.Sql;
import io.agenthub.tenancy.SqlRow;
import io.agenthub.tenancy.TenantTransactions;
import io.agenthub.web.ApiException;
import io.agenthub.web.Cursor;
import io.agenthub.web.Page;
import io.smallrye.mutiny.Uni;

/** A user's chat sessions and their messages: create, list, rename, archive, delete, read. Turns are {@link ChatTurns}. */
@ApplicationScoped
public class ChatSessionService {

    private final TenantTransactions transactions;
    private final CurrentCaller current;
    private final ChatSessionRepository sessions;
    private final AgentCatalogue agents;

    public ChatSessionService(TenantTransactions transactions, CurrentCaller current, ChatSessionRepository sessions,
            AgentCatalogue agents) {
        this.transactions = transactions;
        this.current = current;
        this.sessions = sessions;
        this.agents = agents;
    }

    public Uni<SessionView> create(CreateSessionRequest request) {
        Caller caller = current.get();
        return transactions.inTransaction(() -> agents.usable(request.agent(), request.model()).chain(target -> {
            ChatSession session = new ChatSession();
            session.organizationId = caller.organizationId();
            session.userId = caller.userId();
            session.agentId = target.agent().id;
            session.modelId = target.model().id;
            session.title = request.title();
            return sessions.persistAndFlush(session)
                    .replaceWith(() -> new SessionView(session.id, session.title, false, target.agent().name, target.model().name, 0,
                            session.createdAt, session.createdAt));
        }));
    }

    public Uni<Page<SessionView>> list(Boolean archived, String q, int limit, Cursor cursor) {
        List<Object> params = new ArrayList<>(List.of(current.get().userId()));
        StringBuilder sql = new StringBuilder(SESSION_VIEWS + " WHERE user_id = $1");
        if (archived != null) {
            params.add(archived);
            sql.append(" AND archived = $").append(params.size());
        }
        if (q != null && !q.isBlank()) {
            params.add("%" + q.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%");
            sql.append(" AND title ILIKE $").append(params.size());
        }
        if (cursor != null) {
            params.add(cursor.at().atOffset(ZoneOffset.UTC));
            params.add(cursor.id());
            sql.append(" AND (last_activity_at, id) < ($").append(params.size() - 1).append(", $").append(params.size()).append(')');
        }
        params.add(limit + 1);
        sql.append(" ORDER BY last_activity_at DESC, id DESC LIMIT $").append(params.size());
        return transactions.inTransaction(() -> Sql.records(ChatSessionService::sessionView, sql.toString(), params.toArray()))
                .map(rows -> Page.of(rows, limit, v -> new Cursor(v.lastActivityAt(), v.id()), v -> v));
    }

    public Uni<SessionView> get(UUID id) {
        return transactions.inTransaction(() -> view(id));
    }

    public Uni<SessionView> update(UUID id, UpdateSessionRequest request) {
        return transactions.inTransaction(() -> own(id).chain(session -> {
            if (request.title() != null) {
                session.title = request.title();
            }
            if (request.archived() != null) {
                session.archived = request.archived();
            }
            return sessions.flush().chain(() -> view(id));
        }));
    }

    public Uni<Void> delete(UUID id) {
        return transactions.inTransaction(() -> own(id).chain(session -> sessions.delete(session)));
    }

    /**
     * A page of a session's messages after a cursor, one statement: no row when the session is not
     * the caller's, one row of nulls when it has no messages after the cursor. The session is a
     * range so that only its own index gives the order, whatever the plan (see
     * {@link TurnStatements#BEGIN}).
     */
    static final String MESSAGES_PAGE = """
                SELECT m.id, m.seq, m.role, m.content, m.status, m.input_tokens, m.output_tokens, m.created_at,
                       m.tool_calls::text AS tool_calls, m.tool_call_id
                FROM chat_sessions s LEFT JOIN LATERAL (
                    SELECT id, seq, role, content, status, input_tokens, output_tokens, created_at, tool_calls, tool_call_id
                    FROM chat_messages
                    WHERE session_id >= s.id AND session_id <= s.id AND seq > $3 ORDER BY session_id, seq LIMIT $4) m ON true
                WHERE s.id = $1 AND s.user_id = $2""";

    /** One page of {@link #MESSAGES_PAGE}. */
    public Uni<Page<MessageView>> messages(UUID sessionId, int limit, String cursor) {
        long after = Cursor.decodeSequence(cursor);
        return transactions.inTransaction(() -> Sql.records(r -> r.uuid("id") == null ? null : MessageView.of(r), MESSAGES_PAGE,
                sessionId, current.get().userId(), after, limit + 1))
                .map(rows -> {
                    if (rows.isEmpty()) {
                        throw ApiException.notFound("Chat session");
                    }
                    List<MessageView> found = rows.get(0) == null ? List.of() : rows;
                    boolean more = found.size() > limit;
                    List<MessageView> page = more ? found.subList(0, limit) : found;
                    return new Page<>(page, more ? Cursor.encodeSequence(page.get(page.size() - 1).seq()) : null);
                });
    }

    private Uni<ChatSession> own(UUID id) {
        Caller caller = current.get();
        return sessions.find("id = ?1 and userId = ?2", id, caller.userId()).<ChatSession>firstResult()
                .onItem().ifNull().failWith(() -> ApiException.notFound("Chat session"));
    }

    private Uni<SessionView> view(UUID id) {
        return Sql.record(ChatSessionService::sessionView, SESSION_VIEWS + " WHERE id = $1 AND user_id = $2", id, current.get().userId())
                .onItem().ifNull().failWith(() -> ApiException.notFound("Chat session"));
    }

    private static final String SESSION_VIEWS = """
            SELECT id, title, archived, agent_name, model_name, message_count, created_at, last_activity_at
            FROM v_recent_sessions""";

    private static SessionView sessionView(SqlRow r) {
        return new SessionView(r.uuid("id"), r.text("title"), r.bool("archived"), r.text("agent_name"), r.text("model_name"),
                r.bigint("message_count"), r.instant("created_at"), r.instant("last_activity_at"));
    }

}
