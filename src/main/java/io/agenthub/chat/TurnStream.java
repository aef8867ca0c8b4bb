package io.agenthub.chat;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;

import org.jboss.logging.Logger;

import io.agenthub.agents.AgentCaller;
import io.agenthub.agents.OnContext;
import io.agenthub.agents.StreamProgress;
import io.agenthub.agents.providers.ChatProvider;
import io.agenthub.tenancy.Caller;
import io.agenthub.tenancy.CurrentCaller;
import io.agenthub.web.ApiException;
import io.agenthub.web.Problem;
import io.agenthub.web.RequestInfo;
import io.quarkus.security.UnauthorizedException;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;
import io.vertx.core.Context;
import io.vertx.core.Vertx;

/**
 * A turn answered as server-sent events: {@code delta} events as tokens arrive, then {@code done}
 * or {@code error}. The caller's own mistakes were answered before the stream opened
 * ({@link StreamPreflight}); what fails later (an open breaker, provider errors after retries) is
 * the stream's only error event. Begins and ends like any turn ({@link ChatTurns}).
 */
@ApplicationScoped
public class TurnStream {

    private static final Logger LOG = Logger.getLogger(TurnStream.class);

    /** A server-sent event of a streamed reply. */
    public record StreamEvent(String name, Object data) {
    }

    private final ChatTurns turns;
    private final AgentCaller agents;
    private final CurrentCaller current;
    private final RequestInfo request;

    public TurnStream(ChatTurns turns, AgentCaller agents, CurrentCaller current, RequestInfo request) {
        this.turns = turns;
        this.agents = agents;
        this.current = current;
        this.request = request;
    }

    public Uni<Multi<StreamEvent>> open(UUID sessionId, String content, String idempotencyKey) {
        Caller caller = current.get();
        String requestId = request.requestId();
        Context context = Vertx.currentContext();
        return turns.begin(caller, sessionId, content, idempotencyKey).chain(turn -> {
            if (turn.replay() != null) {
                ReplyView r = turn.replay();
                return Uni.createFrom().item(Multi.createFrom().items(new StreamEvent("delta", Map.of("text", r.assistantMessage().content())),
                        new StreamEvent("done", done(r))));
            }
            StreamProgress progress = new StreamProgress(turn.startedNanos());
            return agents.stream(caller, turn.executionId(), turn.route(), turn::request)
                    .onFailure().recoverWithUni(failure -> turns.fail(turn, failure, progress.millisSinceCall(), null,
                            progress.hubMillisBeforeCall(), "", true, null)
                            .chain(error -> Uni.createFrom().<Multi<ChatProvider.Chunk>> failure(error)))
                    .map(chunks -> events(turn, progress, OnContext.emit(chunks, context), requestId));
        })
                // an event stream's status line is already sent when this fails: the error travels as its only event
                .onFailure().recoverWithItem(failure -> Multi.createFrom().item(new StreamEvent("error", problem(failure, requestId))));
    }

    private Multi<StreamEvent> events(Turn turn, StreamProgress p, Multi<ChatProvider.Chunk> chunks, String requestId) {
        Multi<StreamEvent> deltas = chunks
                .invoke(p::received)
                .filter(chunk -> chunk.text() != null && !chunk.text().isEmpty())
                .map(chunk -> new StreamEvent("delta", Map.of("text", chunk.text())));
        Multi<StreamEvent> done = Multi.createFrom().uni(Uni.createFrom().voidItem()
                .invoke(p::end)
                .chain(() -> turns.succeed(turn, p.reply(), p.millisSinceCall(), p.timeToFirstToken(), p.hubMillis(), true))
                .map(reply -> new StreamEvent("done", done(reply))));
        return Multi.createBy().concatenating().streams(deltas, done)
                .onFailure().recoverWithMulti(failure -> Multi.createFrom().uni(Uni.createFrom().voidItem()
                        .invoke(p::end)
                        .chain(() -> turns.fail(turn, failure, p.millisSinceCall(), p.timeToFirstToken(), p.hubMillisBeforeCall(),
                                p.text(), true, null))
                        .map(error -> new StreamEvent("error", problem(error, requestId)))))
                .onCancellation().call(() -> !p.end() ? Uni.createFrom().voidItem()
                        : turns.fail(turn, ApiException.clientClosed(), p.millisSinceCall(), p.timeToFirstToken(),
                                p.hubMillisBeforeCall(), p.text(), true, "cancelled").replaceWithVoid());
    }

    private static Problem problem(Throwable failure, String requestId) {
        if (!(failure instanceof ApiException) && !(failure instanceof UnauthorizedException)) {
            LOG.errorf(failure, "Unexpected failure of streamed reply %s", requestId);
        }
        ApiException api = failure instanceof ApiException a ? a
                : failure instanceof UnauthorizedException ? ApiException.unauthorized("A valid bearer token is required.")
                : ApiException.internal();
        return Problem.of(api, requestId);
    }

    private static Map<String, Object> done(ReplyView reply) {
        Map<String, Object> done = new LinkedHashMap<>();
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
}
