package io.agenthub.chat;

import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;

import io.agenthub.agents.AgentCaller.Route;
import io.agenthub.agents.AgentCaller;
import io.agenthub.agents.AgentCatalogue;
import io.agenthub.agents.UpstreamFailure;
import io.agenthub.agents.providers.ChatProvider;
import io.agenthub.chat.TurnStatements.Begun;
import io.agenthub.chat.TurnStatements.Ended;
import io.agenthub.executions.ExecutionRecorder.Outcome;
import io.agenthub.executions.ExecutionRecorder;
import io.agenthub.tenancy.Caller;
import io.agenthub.tenancy.CurrentCaller;
import io.agenthub.tenancy.TenantTransactions;
import io.agenthub.web.ApiException;
import io.agenthub.web.DatabaseFailures;
import io.agenthub.web.Disconnects;
import io.agenthub.web.IdempotencyKey;
import io.smallrye.mutiny.Uni;

/**
 * A chat turn in three steps: the user message and a running execution row commit first (one
 * statement); the guarded provider call runs outside any transaction; the reply (or the failure)
 * and the closed execution row commit last (one statement), before the client is answered.
 */
@ApplicationScoped
public class ChatTurns {

    private final TenantTransactions transactions;
    private final CurrentCaller current;
    private final TurnStatements statements;
    private final AgentCatalogue catalogue;
    private final AgentCaller agents;
    private final ExecutionRecorder recorder;

    public ChatTurns(TenantTransactions transactions, CurrentCaller current, TurnStatements statements, AgentCatalogue catalogue,
            AgentCaller agents, ExecutionRecorder recorder) {
        this.transactions = transactions;
        this.current = current;
        this.statements = statements;
        this.catalogue = catalogue;
        this.agents = agents;
        this.recorder = recorder;
    }

    public Uni<ReplyView> send(UUID sessionId, String content, String idempotencyKey) {
        return begin(current.get(), sessionId, content, idempotencyKey)
                .chain(turn -> turn.replay() != null
                        ? Uni.createFrom().item(turn.replay().withHubOverhead(turn.millisSinceStart()))
                        // a begun turn is answered and recorded even if its client leaves; a retry with the
                        // same Idempotency-Key then gets that answer
                        : Disconnects.survive(call(turn)));
    }

    /** What {@link #begin} would refuse for the caller's own mistakes, checked without writing anything. */
    public Uni<Void> preflight(UUID sessionId) {
        Caller caller = current.get();
        return transactions.inTransaction(caller, () -> statements.usable(caller, sessionId)).invoke(ChatTurns::requireUsable)
                .replaceWithVoid();
    }

    private static void requireUsable(Boolean usable) {
        if (usable == null) {
            throw ApiException.notFound("Chat session");
        }
        if (!usable) {
            throw ApiException.unprocessable("The agent or model of this session is disabled.");
        }
    }

    /** The first step: one statement, then this replica reports the running execution alive. */
    Uni<Turn> begin(Caller caller, UUID sessionId, String content, String idempotencyKey) {
        IdempotencyKey.checked(idempotencyKey);
        long started = System.nanoTime();
        return transactions.inTransactionPlannedOnce(caller,
                () -> statements.begin(caller, sessionId, content, idempotencyKey, title(content))
                    .chain(begun -> {
                        if (begun != null && begun.earlier() != null) {
                            return replay(begun.earlier()).map(replay -> Turn.replaying(replay, started));
                        }
                        requireUsable(begun == null ? null : begun.usable());
                        return catalogue.target(begun.agentId(), begun.agentVersion(), begun.modelId(), begun.modelVersion())
                                .map(target -> new Turn(caller, sessionId, begun.userMessage(), begun.executionId(), new Route(target),
                                        conversation(begun, content), null, started));
                    }))
                .invoke(turn -> {
                    if (turn.executionId() != null) {
                        recorder.opened(turn.executionId(), turn.route().target().agent().name);
                    }
                });
    }

    private static List<ChatProvider.Message> conversation(Begun begun, String content) {
        List<ChatProvider.Message> conversation = new ArrayList<>(begun.context().size() + 1);
        conversation.addAll(begun.context());
        conversation.add(new ChatProvider.Message("user", content));
        return conversation;
    }

    /** The first result of an earlier POST with the same key. */
    private Uni<ReplyView> replay(UUID userMessageId) {
        return statements.replay(userMessageId).map(r -> {
            if (r.executionId() == null || "running".equals(r.status())) {
                throw ApiException.conflict("A message with this Idempotency-Key is still being answered.");
            }
            if (!"success".equals(r.status())) {
                throw ApiException.badGateway("The first attempt with this Idempotency-Key failed (" + r.errorCode()
                        + "); send the message again with a new key.");
            }
            return new ReplyView(r.userMessage(), r.reply(), r.executionId(), "success", new Usage(r.inputTokens(), r.outputTokens()),
                    r.latencyMs(), 0, r.fallbackModel());
        });
    }

    private Uni<ReplyView> call(Turn turn) {
        return agents.complete(turn.caller(), turn.executionId(), turn.route(), turn::request, turn.startedNanos())
                .chain(done -> done.failure() == null
                        ? succeed(turn, done.reply(), done.latencyMs(), done.latencyMs(), done.overheadMs(), false)
                        : fail(turn, done.failure(), done.latencyMs(), null, done.overheadMs(), "", false, null)
                                .chain(error -> Uni.createFrom().failure(error)));
    }

    /** The last step of an answered turn. */
    Uni<ReplyView> succeed(Turn turn, ChatProvider.Reply reply, long latencyMs, Long ttftMs, long overheadMs, boolean streamed) {
        Outcome outcome = new Outcome("success", latencyMs, ttftMs, overheadMs, reply.inputTokens(), reply.outputTokens(),
                turn.route().attempts(), null, null, streamed);
        return end(turn, reply.text(), "complete", outcome).map(ended -> new ReplyView(turn.userMessage(), ended.reply(),
                turn.executionId(), "success", new Usage(reply.inputTokens(), reply.outputTokens()), latencyMs, overheadMs,
                turn.route().fallbackModel()));
    }

    /**
     * The last step of a failed or cut-off turn: what arrived is kept, marked partial. Answers the
     * error to report. {@code statusOverride}: the execution's status when the cause does not say
     * it (a client that left: cancelled).
     */
    Uni<ApiException> fail(Turn turn, Throwable failure, long latencyMs, Long ttftMs, long overheadMs, String partial,
            boolean streamed, String statusOverride) {
        UpstreamFailure upstream = UpstreamFailure.of(failure, turn.route().target().agent());
        Outcome outcome = new Outcome(statusOverride != null ? statusOverride : upstream.status(), latencyMs, ttftMs, overheadMs,
                null, null, turn.route().attempts(), upstream.code(), upstream.error().getMessage(), streamed);
        return end(turn, partial, partial.isEmpty() ? "failed" : "partial", outcome).replaceWith(upstream.error());
    }

    /**
     * The write that ends a turn must land: through a database restart or a dropped connection it
     * is retried, each time in a new transaction. What still cannot be written leaves the execution
     * running, no longer reported alive, and the reaper ends it as abandoned.
     */
    private Uni<Ended> end(Turn turn, String content, String status, Outcome outcome) {
        return DatabaseFailures.landing(() -> transactions.inTransaction(turn.caller(),
                () -> statements.end(turn.caller(), turn.sessionId(), turn.executionId(), content, status, outcome)))
                .onFailure().invoke(() -> recorder.forget(turn.executionId()))
                .invoke(ended -> recorder.closed(turn.executionId(), turn.route().target().agent().name,
                        turn.route().target().model().name, outcome, ended.closed()));
    }

    /** A session without a title takes its first message's first line, cut at a word. */
    public static String title(String content) {
        // only the start can become the title: collapsing the whitespace of a long message would be wasted
        String start = content.strip();
        String line = start.substring(0, Math.min(start.length(), 240)).replaceAll("\\s+", " ");
        return line.length() <= 60 ? line : line.substring(0, 57).replaceAll("\\s\\S*$", "") + "...";
    }
}
