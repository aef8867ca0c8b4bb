package io.agenthub.chat;

import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Function;
import java.util.function.Supplier;

import jakarta.enterprise.context.ApplicationScoped;

import org.eclipse.microprofile.faulttolerance.exceptions.BulkheadException;
import org.eclipse.microprofile.faulttolerance.exceptions.CircuitBreakerOpenException;
import org.eclipse.microprofile.faulttolerance.exceptions.TimeoutException;
import org.jboss.logging.Logger;

import io.agenthub.agents.AgentGuards;
import io.agenthub.agents.AgentService;
import io.agenthub.agents.AgentService.Target;
import io.agenthub.agents.providers.ChatProvider;
import io.agenthub.agents.providers.ProviderException;
import io.agenthub.chat.ChatRepositories.ChatMessageRepository;
import io.agenthub.chat.ChatRepositories.ChatSessionRepository;
import io.agenthub.chat.ChatViews.CreateSessionRequest;
import io.agenthub.chat.ChatViews.MessageView;
import io.agenthub.chat.ChatViews.ReplyView;
import io.agenthub.chat.ChatViews.SessionView;
import io.agenthub.chat.ChatViews.UpdateSessionRequest;
import io.agenthub.chat.ChatViews.Usage;
import io.agenthub.executions.ExecutionRecorder;
import io.agenthub.prompts.SystemPromptService;
import io.agenthub.tenancy.Caller;
import io.agenthub.tenancy.CurrentCaller;
import io.agenthub.tenancy.Sql;
import io.agenthub.tenancy.TenantTransactions;
import io.agenthub.web.ApiException;
import io.agenthub.web.Cursor;
import io.agenthub.web.DatabaseFailures;
import io.agenthub.web.Disconnects;
import io.agenthub.web.Page;
import io.quarkus.arc.All;
import io.quarkus.hibernate.reactive.panache.Panache;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;
import io.vertx.core.Context;
import io.vertx.core.Vertx;

/**
 * Conversations with agents. A turn runs in three steps: the user message and a running execution
 * row commit first; the guarded provider call runs outside any transaction; the reply (or the
 * failure) and the closed execution row commit last.
 */
@ApplicationScoped
public class ChatService {

    private static final Logger LOG = Logger.getLogger(ChatService.class);
    /** About six seconds in all: a restart or a failover, not a long outage. */
    private static final Duration CLOSING_FIRST_BACKOFF = Duration.ofMillis(250);
    private static final Duration CLOSING_MAX_BACKOFF = Duration.ofSeconds(2);
    private static final int CLOSING_RETRIES = 5;

    /** Rough size of a token, to cut history to the model's context budget without a tokenizer. */
    static final int CHARS_PER_TOKEN = 4;

    private final TenantTransactions transactions;
    private final CurrentCaller current;
    private final ChatSessionRepository sessions;
    private final ChatMessageRepository messages;
    private final AgentService agents;
    private final AgentGuards guards;
    private final SystemPromptService prompts;
    private final ExecutionRecorder recorder;
    private final List<ChatProvider> providers;

    public ChatService(TenantTransactions transactions, CurrentCaller current, ChatSessionRepository sessions,
            ChatMessageRepository messages, AgentService agents, AgentGuards guards, SystemPromptService prompts,
            ExecutionRecorder recorder, @All List<ChatProvider> providers) {
        this.transactions = transactions;
        this.current = current;
        this.sessions = sessions;
        this.messages = messages;
        this.agents = agents;
        this.guards = guards;
        this.prompts = prompts;
        this.recorder = recorder;
        this.providers = providers;
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
        return transactions.inTransaction(() -> Sql.rows(ChatService::sessionView, sql.toString(), params.toArray()))
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

    /** One statement: no row when the session is not the caller's, one row of nulls when it has no messages after the cursor. */
    public Uni<Page<MessageView>> messages(UUID sessionId, int limit, String cursor) {
        long after = Cursor.decodeSequence(cursor);
        return transactions.inTransaction(() -> Sql.rows("""
                SELECT m.id, m.seq, m.role, m.content, m.status, m.input_tokens, m.output_tokens, m.created_at
                FROM chat_sessions s LEFT JOIN LATERAL (
                    SELECT id, seq, role, content, status, input_tokens, output_tokens, created_at FROM chat_messages
                    WHERE session_id = s.id AND seq > $3 ORDER BY seq LIMIT $4) m ON true
                WHERE s.id = $1 AND s.user_id = $2""", sessionId, current.get().userId(), after, limit + 1))
                .map(rows -> {
                    if (rows.isEmpty()) {
                        throw ApiException.notFound("Chat session");
                    }
                    List<MessageView> found = rows.get(0)[0] == null ? List.of() : rows.stream().map(MessageView::of).toList();
                    boolean more = found.size() > limit;
                    List<MessageView> page = more ? found.subList(0, limit) : found;
                    return new Page<>(page, more ? Cursor.encodeSequence(page.get(page.size() - 1).seq()) : null);
                });
    }

    /**
     * Everything the upstream call needs, gathered in the first transaction. {@code rerouted}: an
     * open breaker sent the turn to the agent's fallback model, which is now its target.
     */
    private record Turn(UUID sessionId, UUID userMessageId, UUID executionId, Target target, boolean rerouted,
            List<ChatProvider.Message> conversation, ReplyView replay, long startedNanos) {

        Turn rerouteTo(Target fallback) {
            return new Turn(sessionId, userMessageId, executionId, fallback, true, conversation, replay, startedNanos);
        }

        ChatProvider.Request request() {
            return new ChatProvider.Request(target.model().providerModelId, target.agent().config, conversation,
                    target.model().maxOutputTokens);
        }

        /** The model that answered, when it was the fallback: {@code agent/model}. */
        String fallbackModel() {
            return rerouted ? target.agent().name + "/" + target.model().name : null;
        }
    }

    public Uni<ReplyView> send(UUID sessionId, String content, String idempotencyKey) {
        Caller caller = current.get();
        return begin(caller, sessionId, content, idempotencyKey)
                .chain(turn -> turn.replay() != null
                        ? Uni.createFrom().item(turn.replay().withHubOverhead(millisSince(turn.startedNanos())))
                        // a begun turn is answered and recorded even if its client leaves; a retry with the
                        // same Idempotency-Key then gets that answer
                        : Disconnects.survive(call(caller, turn)));
    }

    /** What {@link #begin} would refuse for the caller's own mistakes, checked without writing anything. */
    public Uni<Void> preflight(UUID sessionId) {
        return transactions.inTransaction(() -> own(sessionId).chain(session -> agents.usable(session.agentId, session.modelId)))
                .replaceWithVoid();
    }

    /** The first transaction of a turn: the user message and a running execution commit before any upstream call. */
    private Uni<Turn> begin(Caller caller, UUID sessionId, String content, String idempotencyKey) {
        if (idempotencyKey != null && (idempotencyKey.isBlank() || idempotencyKey.length() > 255)) {
            throw ApiException.invalidField("Idempotency-Key", "must be 1 to 255 characters");
        }
        long started = System.nanoTime();
        return transactions.inTransaction(() -> own(sessionId).chain(session -> replay(session, idempotencyKey).chain(replayed -> {
            if (replayed != null) {
                return Uni.createFrom().item(new Turn(sessionId, null, null, null, false, null, replayed, started));
            }
            return agents.usable(session.agentId, session.modelId).chain(target -> {
                ChatMessage user = message(caller, sessionId, "user", content, "complete");
                user.idempotencyKey = idempotencyKey;
                Instant now = Instant.now();
                session.lastMessageAt = now;
                if (session.title == null) {
                    session.title = title(content);
                }
                return messages.persistAndFlush(user)
                        .chain(() -> history(sessionId, target))
                        .chain(history -> prompts.effectiveInTransaction().map(system -> conversation(system, history)))
                        .chain(conversation -> Panache.getSession().chain(s -> recorder.start(s, caller.organizationId(),
                                caller.userId(), sessionId, user.id, target.agent().name, target.agent().id, target.model().id))
                                .map(executionId -> new Turn(sessionId, user.id, executionId, target, false, conversation, null,
                                        started)));
            });
        })));
    }

    /** A server-sent event of a streamed reply: {@code delta}, then {@code done} or {@code error}. */
    public record StreamEvent(String name, Object data) {
    }

    /**
     * Opens a streamed reply: {@code delta} events, then {@code done} or {@code error}. The caller's
     * own mistakes were answered before the stream opened ({@link StreamPreflight}); what fails
     * later (an open breaker, provider errors after retries) is the stream's only error event.
     */
    public Uni<Multi<StreamEvent>> stream(UUID sessionId, String content, String idempotencyKey) {
        Caller caller = current.get();
        Context context = Vertx.currentContext();
        return begin(caller, sessionId, content, idempotencyKey).chain(turn -> {
            if (turn.replay() != null) {
                ReplyView r = turn.replay();
                return Uni.createFrom().item(Multi.createFrom().items(new StreamEvent("delta", Map.of("text", r.assistantMessage().content())),
                        new StreamEvent("done", done(r))));
            }
            AtomicInteger attempts = new AtomicInteger();
            AtomicReference<Turn> routed = new AtomicReference<>(turn);
            long callStarted = System.nanoTime();
            return guarded(caller, routed, t -> {
                attempts.incrementAndGet();
                return guards.holdWhileStreaming(t.target().agent(), () -> provider(t.target().agent().provider())
                        .stream(t.request(), t.target().agent().firstTokenTimeoutMs, t.target().agent().streamIdleTimeoutMs));
            }).onFailure().recoverWithUni(failure -> finishFailure(caller, routed.get(), failure, millisSince(callStarted), null,
                    hubMillis(turn, callStarted), attempts.get(), "", true, null)
                    .chain(error -> Uni.createFrom().<Multi<ChatProvider.Chunk>> failure(error)))
                    .map(chunks -> events(caller, routed.get(), chunks.emitOn(task -> context.runOnContext(v -> task.run())),
                            callStarted, attempts.get()));
        })
                // an event stream's status line is already sent when this fails: the error travels as its only event
                .onFailure().recoverWithItem(failure -> Multi.createFrom().item(new StreamEvent("error", problem(failure))));
    }

    private static Map<String, Object> problem(Throwable failure) {
        if (!(failure instanceof ApiException) && !(failure instanceof io.quarkus.security.UnauthorizedException)) {
            LOG.errorf(failure, "Unexpected failure of a streamed reply");
        }
        ApiException api = failure instanceof ApiException a ? a
                : failure instanceof io.quarkus.security.UnauthorizedException ? ApiException.unauthorized("A valid bearer token is required.")
                : new ApiException(500, "Internal Server Error", "An unexpected error occurred.");
        Map<String, Object> problem = new java.util.LinkedHashMap<>();
        problem.put("status", api.status());
        problem.put("title", api.title());
        problem.put("detail", api.getMessage());
        problem.putAll(api.extensions());
        return problem;
    }

    private Multi<StreamEvent> events(Caller caller, Turn turn, Multi<ChatProvider.Chunk> chunks, long callStarted, int attempts) {
        StringBuilder text = new StringBuilder();
        Integer[] usage = {null, null};
        long[] firstToken = {0};
        long[] lastByte = {callStarted};
        AtomicBoolean closed = new AtomicBoolean();
        Multi<StreamEvent> deltas = chunks
                .invoke(chunk -> {
                    lastByte[0] = System.nanoTime();
                    if (chunk.inputTokens() != null) {
                        usage[0] = chunk.inputTokens();
                    }
                    if (chunk.outputTokens() != null) {
                        usage[1] = chunk.outputTokens();
                    }
                })
                .filter(chunk -> chunk.text() != null && !chunk.text().isEmpty())
                .map(chunk -> {
                    if (firstToken[0] == 0) {
                        firstToken[0] = System.nanoTime();
                    }
                    text.append(chunk.text());
                    return new StreamEvent("delta", Map.of("text", chunk.text()));
                });
        Multi<StreamEvent> done = Multi.createFrom().uni(Uni.createFrom().voidItem()
                .invoke(() -> closed.set(true))
                .chain(() -> finishSuccess(caller, turn, new ChatProvider.Reply(text.toString(), usage[0], usage[1], "stop"),
                        millisSince(callStarted), firstToken[0] == 0 ? null : (firstToken[0] - callStarted) / 1_000_000,
                        hubMillis(turn, callStarted) + millisSince(lastByte[0]), attempts, true))
                .map(reply -> new StreamEvent("done", done(reply))));
        return Multi.createBy().concatenating().streams(deltas, done)
                .onFailure().recoverWithMulti(failure -> Multi.createFrom().uni(Uni.createFrom().voidItem()
                        .invoke(() -> closed.set(true))
                        .chain(() -> finishFailure(caller, turn, failure, millisSince(callStarted),
                                firstToken[0] == 0 ? null : (firstToken[0] - callStarted) / 1_000_000, hubMillis(turn, callStarted),
                                attempts, text.toString(), true, null))
                        .map(error -> new StreamEvent("error", problem(error)))))
                .onCancellation().call(() -> closed.getAndSet(true) ? Uni.createFrom().voidItem()
                        : finishFailure(caller, turn, new ApiException(499, "Client Closed Request", "The client disconnected."),
                                millisSince(callStarted), firstToken[0] == 0 ? null : (firstToken[0] - callStarted) / 1_000_000,
                                hubMillis(turn, callStarted), attempts, text.toString(), true, "cancelled").replaceWithVoid());
    }

    private static Map<String, Object> done(ReplyView reply) {
        Map<String, Object> done = new java.util.LinkedHashMap<>();
        done.put("messageId", reply.assistantMessage().id());
        done.put("executionId", reply.executionId());
        done.put("usage", reply.usage());
        done.put("latencyMs", reply.latencyMs());
        done.put("hubOverheadMs", reply.hubOverheadMs());
        if (reply.fallbackModel() != null) {
            done.put("fallbackModel", reply.fallbackModel());
        }
        return done;
    }

    /**
     * The hub's work before a stream's upstream call. While tokens flow the hub only relays; what it
     * does after the provider's last byte is added when the stream ends.
     */
    private static long hubMillis(Turn turn, long callStarted) {
        return (callStarted - turn.startedNanos()) / 1_000_000;
    }

    private static long millisSince(long nanos) {
        return (System.nanoTime() - nanos) / 1_000_000;
    }

    private Uni<ReplyView> call(Caller caller, Turn turn) {
        AtomicInteger attempts = new AtomicInteger();
        AtomicReference<Turn> routed = new AtomicReference<>(turn);
        long[] upstreamNanos = {0};
        long callStarted = System.nanoTime();
        return guarded(caller, routed, t -> {
            attempts.incrementAndGet();
            long attemptStarted = System.nanoTime();
            return provider(t.target().agent().provider()).complete(t.request())
                    .eventually(() -> upstreamNanos[0] += System.nanoTime() - attemptStarted);
        })
                .onItemOrFailure().transformToUni((reply, failure) -> {
                    long latencyMs = (System.nanoTime() - callStarted) / 1_000_000;
                    long overheadMs = Math.max(0, (System.nanoTime() - turn.startedNanos() - upstreamNanos[0]) / 1_000_000);
                    if (failure == null) {
                        return finishSuccess(caller, routed.get(), reply, latencyMs, overheadMs, attempts.get());
                    }
                    return finishFailure(caller, routed.get(), failure, latencyMs, overheadMs, attempts.get());
                });
    }

    /**
     * Calls the turn's agent under its guards. An open breaker hands the call to the agent's
     * fallback model when it has one: the execution row is rerouted first, so it names the model
     * that answers and keeps the one asked for.
     */
    private <T> Uni<T> guarded(Caller caller, AtomicReference<Turn> routed, Function<Turn, Uni<T>> call) {
        Turn turn = routed.get();
        return guards.call(turn.target().agent(), () -> call.apply(turn))
                .onFailure(CircuitBreakerOpenException.class).recoverWithUni(open -> turn.target().agent().fallbackModelId == null
                        ? Uni.createFrom().failure(open)
                        : transactions.inTransaction(caller, () -> agents.fallbackFor(turn.target().agent())
                                .call(to -> to == null ? Uni.createFrom().voidItem() : Panache.getSession().chain(s -> recorder
                                        .reroute(s, turn.executionId(), to.agent().name, to.agent().id, to.model().id))))
                                .chain(to -> {
                                    if (to == null) {
                                        return Uni.createFrom().failure(open);
                                    }
                                    Turn fallback = turn.rerouteTo(to);
                                    routed.set(fallback);
                                    return guards.call(to.agent(), () -> call.apply(fallback));
                                }));
    }

    private Uni<ReplyView> finishSuccess(Caller caller, Turn turn, ChatProvider.Reply reply, long latencyMs, long overheadMs,
            int attempts) {
        return finishSuccess(caller, turn, reply, latencyMs, latencyMs, overheadMs, attempts, false);
    }

    private Uni<ReplyView> finishSuccess(Caller caller, Turn turn, ChatProvider.Reply reply, long latencyMs, Long ttftMs,
            long overheadMs, int attempts, boolean streamed) {
        return closing(turn, () -> transactions.inTransaction(caller, () -> {
            ChatMessage assistant = message(caller, turn.sessionId(), "assistant", reply.text(), "complete");
            assistant.inputTokens = reply.inputTokens();
            assistant.outputTokens = reply.outputTokens();
            return messages.persistAndFlush(assistant)
                    .chain(() -> Panache.getSession().chain(s -> recorder.finish(s, turn.executionId(), turn.target().agent().name,
                            turn.target().model().name, new ExecutionRecorder.Outcome("success", assistant.id, latencyMs, ttftMs,
                                    overheadMs, reply.inputTokens(), reply.outputTokens(), attempts, null, null, streamed))))
                    .chain(() -> touch(turn.sessionId()))
                    .chain(() -> messages.findById(turn.userMessageId()))
                    .map(user -> new ReplyView(MessageView.of(user), MessageView.of(assistant), turn.executionId(), "success",
                            new Usage(reply.inputTokens(), reply.outputTokens()), latencyMs, overheadMs, turn.fallbackModel()));
        }));
    }

    private Uni<ReplyView> finishFailure(Caller caller, Turn turn, Throwable failure, long latencyMs, long overheadMs, int attempts) {
        return finishFailure(caller, turn, failure, latencyMs, null, overheadMs, attempts, "", false, null)
                .chain(error -> Uni.createFrom().failure(error));
    }

    /** Records a failed or cut-off reply (keeping what arrived, marked partial) and answers the error to report. */
    private Uni<ApiException> finishFailure(Caller caller, Turn turn, Throwable failure, long latencyMs, Long ttftMs, long overheadMs,
            int attempts, String partial, boolean streamed, String statusOverride) {
        ApiException error = clientError(turn, failure);
        String status = statusOverride != null ? statusOverride
                : failure instanceof TimeoutException || error.status() == 504 ? "timeout"
                : failure instanceof CircuitBreakerOpenException || failure instanceof BulkheadException ? "rejected" : "error";
        String code = failure instanceof ProviderException p ? p.code()
                : failure instanceof CircuitBreakerOpenException ? "circuit_open"
                : failure instanceof BulkheadException ? "bulkhead_full"
                : failure instanceof TimeoutException ? "timeout" : "internal_error";
        return closing(turn, () -> transactions.inTransaction(caller, () -> {
            ChatMessage assistant = message(caller, turn.sessionId(), "assistant", partial, partial.isEmpty() ? "failed" : "partial");
            return messages.persistAndFlush(assistant)
                    .chain(() -> Panache.getSession().chain(s -> recorder.finish(s, turn.executionId(), turn.target().agent().name,
                            turn.target().model().name, new ExecutionRecorder.Outcome(status, assistant.id, latencyMs, ttftMs,
                                    overheadMs, null, null, attempts, code, error.getMessage(), streamed))))
                    .chain(() -> touch(turn.sessionId()));
        })).replaceWith(error);
    }

    /**
     * The write that ends a turn must land: through a database restart or a dropped connection it
     * is retried, each time in a new transaction. What still cannot be written leaves the execution
     * running, no longer reported alive, and the reaper ends it as abandoned.
     */
    private <T> Uni<T> closing(Turn turn, Supplier<Uni<T>> write) {
        return Uni.createFrom().deferred(write::get)
                .onFailure(DatabaseFailures::unavailable).retry()
                .withBackOff(CLOSING_FIRST_BACKOFF, CLOSING_MAX_BACKOFF).atMost(CLOSING_RETRIES)
                .onFailure().invoke(() -> recorder.forget(turn.executionId()));
    }

    private static ApiException clientError(Turn turn, Throwable failure) {
        if (failure instanceof ApiException api) {
            return api;
        }
        if (failure instanceof CircuitBreakerOpenException) {
            long seconds = Math.max(1, turn.target().agent().breakerOpenMs / 1000);
            return new ApiException(503, "Service Unavailable", "Agent '" + turn.target().agent().name
                    + "' is failing; its circuit breaker is open.", List.of(), Map.of("Retry-After", Long.toString(seconds)), Map.of());
        }
        if (failure instanceof BulkheadException) {
            return new ApiException(503, "Service Unavailable", "Agent '" + turn.target().agent().name
                    + "' is at its concurrency limit; retry shortly.", List.of(), Map.of("Retry-After", "1"), Map.of());
        }
        if (failure instanceof TimeoutException) {
            return ProviderException.timeout(turn.target().agent().provider());
        }
        return new ApiException(502, "Bad Gateway", "The agent failed to answer.");
    }

    /** The first result of an earlier POST with the same key, or null. */
    private Uni<ReplyView> replay(ChatSession session, String key) {
        if (key == null) {
            return Uni.createFrom().nullItem();
        }
        return messages.find("sessionId = ?1 and idempotencyKey = ?2", session.id, key).<ChatMessage>firstResult().chain(user -> {
            if (user == null) {
                return Uni.createFrom().nullItem();
            }
            return Panache.getSession().chain(s -> s.createNativeQuery("""
                    SELECT e.id, e.status, e.assistant_message_id, e.input_tokens, e.output_tokens, e.latency_ms, e.error_code,
                           CASE WHEN e.requested_model_id IS NOT NULL THEN a.name || '/' || m.name END
                    FROM agent_executions e JOIN models m ON m.id = e.model_id JOIN agents a ON a.id = e.agent_id
                    WHERE e.user_message_id = :message""", Object[].class)
                    .setParameter("message", user.id).getResultList())
                    .chain(rows -> {
                        if (rows.isEmpty() || "running".equals(rows.get(0)[1])) {
                            throw ApiException.conflict("A message with this Idempotency-Key is still being answered.");
                        }
                        Object[] r = rows.get(0);
                        if (!"success".equals(r[1])) {
                            throw new ApiException(502, "Bad Gateway", "The first attempt with this Idempotency-Key failed ("
                                    + r[6] + "); send the message again with a new key.");
                        }
                        return messages.findById((UUID) r[2]).map(assistant -> new ReplyView(MessageView.of(user),
                                MessageView.of(assistant), (UUID) r[0], "success",
                                new Usage(toInt(r[3]), toInt(r[4])), r[5] == null ? 0 : ((Number) r[5]).longValue(), 0,
                                (String) r[7]));
                    });
        });
    }

    /**
     * Newest messages first until the context budget is spent (at least the newest), then back in
     * chronological order. Read as plain rows, cut by the database: loaded as entities, a long
     * session's history would sit in the persistence context and every flush of the turn would
     * walk all of it.
     */
    private Uni<List<ChatProvider.Message>> history(UUID sessionId, Target target) {
        long budgetChars = (long) Math.max(1, target.model().contextWindow - target.model().maxOutputTokens) * CHARS_PER_TOKEN;
        return Sql.rows(row -> new ChatProvider.Message((String) row[0], (String) row[1]), """
                SELECT role, content FROM (
                    SELECT seq, role, content, sum(char_length(content)) OVER newest AS used, row_number() OVER newest AS n
                    FROM (SELECT seq, role, content FROM chat_messages
                          WHERE session_id = $1 AND status = 'complete' AND role IN ('user', 'assistant')
                          ORDER BY seq DESC LIMIT 500) recent
                    WINDOW newest AS (ORDER BY seq DESC)) counted
                WHERE used <= $2 OR n = 1
                ORDER BY seq""", sessionId, budgetChars);
    }

    private static List<ChatProvider.Message> conversation(List<io.agenthub.prompts.EffectivePrompt> system,
            List<ChatProvider.Message> history) {
        List<ChatProvider.Message> conversation = new ArrayList<>();
        system.forEach(p -> conversation.add(new ChatProvider.Message("system", p.content())));
        conversation.addAll(history);
        return conversation;
    }

    private ChatProvider provider(String name) {
        return providers.stream().filter(p -> p.provider().equals(name)).findFirst()
                .orElseThrow(() -> ApiException.unprocessable("No client for provider '" + name + "'."));
    }

    private Uni<ChatSession> own(UUID id) {
        Caller caller = current.get();
        return sessions.find("id = ?1 and userId = ?2", id, caller.userId()).<ChatSession>firstResult()
                .onItem().ifNull().failWith(() -> ApiException.notFound("Chat session"));
    }

    private Uni<SessionView> view(UUID id) {
        return Sql.row(SESSION_VIEWS + " WHERE id = $1 AND user_id = $2", id, current.get().userId()).map(row -> {
            if (row == null) {
                throw ApiException.notFound("Chat session");
            }
            return sessionView(row);
        });
    }

    private Uni<Void> touch(UUID sessionId) {
        return Panache.getSession().chain(s -> s.createNativeQuery("UPDATE chat_sessions SET last_message_at = now() WHERE id = :id")
                .setParameter("id", sessionId).executeUpdate()).replaceWithVoid();
    }

    private static ChatMessage message(Caller caller, UUID sessionId, String role, String content, String status) {
        ChatMessage m = new ChatMessage();
        m.id = UUID.randomUUID();
        m.sessionId = sessionId;
        m.organizationId = caller.organizationId();
        m.userId = caller.userId();
        m.role = role;
        m.content = content;
        m.status = status;
        m.createdAt = Instant.now();
        return m;
    }

    static String title(String content) {
        String line = content.strip().replaceAll("\\s+", " ");
        return line.length() <= 60 ? line : line.substring(0, 57).replaceAll("\\s\\S*$", "") + "...";
    }

    private static final String SESSION_VIEWS = """
            SELECT id, title, archived, agent_name, model_name, message_count, created_at, last_activity_at
            FROM v_recent_sessions""";

    private static SessionView sessionView(Object[] r) {
        return new SessionView((UUID) r[0], (String) r[1], (Boolean) r[2], (String) r[3], (String) r[4], ((Number) r[5]).longValue(),
                io.agenthub.web.SqlValues.instant(r[6]), io.agenthub.web.SqlValues.instant(r[7]));
    }

    private static Integer toInt(Object value) {
        return value == null ? null : ((Number) value).intValue();
    }
}
