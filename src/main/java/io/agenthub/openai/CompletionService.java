package io.agenthub.openai;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicBoolean;

import jakarta.enterprise.context.ApplicationScoped;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.agenthub.agents.AgentCaller;
import io.agenthub.agents.AgentCaller.Route;
import io.agenthub.agents.AgentCatalogue;
import io.agenthub.agents.OnContext;
import io.agenthub.agents.StreamProgress;
import io.agenthub.agents.Target;
import io.agenthub.agents.UpstreamFailure;
import io.agenthub.agents.providers.ChatProvider;
import io.agenthub.agents.providers.ProviderException;
import io.agenthub.chat.ChatTurns;
import io.agenthub.executions.ExecutionRecorder;
import io.agenthub.executions.ExecutionRecorder.Outcome;
import io.agenthub.tenancy.Caller;
import io.agenthub.tenancy.CurrentCaller;
import io.agenthub.tenancy.TenantTransactions;
import io.agenthub.web.ApiException;
import io.agenthub.web.DatabaseFailures;
import io.agenthub.web.Disconnects;
import io.agenthub.web.IdempotencyKey;
import io.agenthub.web.Problem;
import io.agenthub.web.RequestInfo;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

/**
 * OpenAI's chat completions over the hub's agents, with everything a chat turn has: the caller
 * bound under row-level security, the organisation's system prompts first, the agent's guards
 * and fallback, and an execution row opened before the provider is called and closed before the
 * client is answered.
 */
@ApplicationScoped
public class CompletionService {

    /** Names a chat session (the caller's own, talking to the model asked for) to store the completion in. */
    public static final String SESSION_HEADER = "X-Chat-Session-Id";

    private final TenantTransactions transactions;
    private final CurrentCaller current;
    private final CompletionStatements statements;
    private final AgentCatalogue catalogue;
    private final AgentCaller agents;
    private final ExecutionRecorder recorder;
    private final RequestInfo request;
    private final ObjectMapper json;

    public CompletionService(TenantTransactions transactions, CurrentCaller current, CompletionStatements statements,
            AgentCatalogue catalogue, AgentCaller agents, ExecutionRecorder recorder, RequestInfo request, ObjectMapper json) {
        this.transactions = transactions;
        this.current = current;
        this.statements = statements;
        this.catalogue = catalogue;
        this.agents = agents;
        this.recorder = recorder;
        this.request = request;
        this.json = json;
    }

    public Uni<ModelList> models() {
        return transactions.inTransaction(statements::models).map(models -> new ModelList("list", models));
    }

    /**
     * A completion begun: its execution, where it is routed, what is sent, and where it ends (the
     * session it is stored in, whether its answer is kept for a retry). {@code replay}: the first
     * answer to an earlier request with the same Idempotency-Key; then nothing was written.
     */
    private record Call(Caller caller, String model, UUID executionId, Route route, List<ChatProvider.Message> messages,
            CompletionRequest request, long startedNanos, UUID sessionId, boolean keepsAnswer, ChatCompletion replay) {

        static Call replaying(ChatCompletion replay) {
            return new Call(null, replay.model(), null, null, null, null, 0, null, false, replay);
        }

        ChatProvider.Request upstream(Target target) {
            int limit = target.model().maxOutputTokens;
            Integer asked = request.maxTokens();
            return new ChatProvider.Request(target.model().providerModelId, target.agent().config, messages,
                    asked == null ? limit : Math.min(asked, limit), request.sampling(), request.tools(), request.format());
        }
    }

    /** A whole completion; {@code sessionHeader} and {@code idempotencyKey} as the request's headers sent them, or null. */
    public Uni<ChatCompletion> complete(ChatCompletionRequest body, String sessionHeader, String idempotencyKey) {
        // an accepted completion is answered and recorded even if its client leaves
        return begin(body, sessionHeader, idempotencyKey)
                .chain(call -> call.replay() != null ? Uni.createFrom().item(call.replay()) : Disconnects.survive(run(call)));
    }

    /**
     * A streamed completion: OpenAI's chunk events as tokens arrive, the usage when asked for, then
     * {@code [DONE]}. What fails before the first event is a plain error response; what fails later
     * is the stream's last event, an {@code error} object, as OpenAI sends it.
     */
    public Uni<Multi<String>> stream(ChatCompletionRequest body, String sessionHeader, String idempotencyKey) {
        Context context = Vertx.currentContext();
        String requestId = request.requestId();
        return begin(body, sessionHeader, idempotencyKey).chain(call -> {
            if (call.replay() != null) {
                return Uni.createFrom().item(Multi.createFrom().item(replayed(call.replay(), body.usageStreamed())));
            }
            StreamProgress progress = new StreamProgress(call.startedNanos());
            return agents.stream(call.caller(), call.executionId(), call.route(), call::upstream)
                    .onFailure().recoverWithUni(failure -> endStream(call, progress, failure, null)
                            .chain(error -> Uni.createFrom().<Multi<ChatProvider.Chunk>> failure(error)))
                    .map(chunks -> events(call, progress, OnContext.emit(chunks, context),
                            body.usageStreamed(), requestId));
        });
    }

    /**
     * The first step, one statement: the model resolved, the session checked, an earlier request
     * with the same key found, and otherwise the new messages stored, the execution opened and the
     * caller's prompts read.
     */
    private Uni<Call> begin(ChatCompletionRequest body, String sessionHeader, String idempotencyKey) {
        CompletionRequest asked = CompletionRequest.of(body);
        UUID sessionId = sessionId(sessionHeader);
        IdempotencyKey.checked(idempotencyKey);
        String digest = idempotencyKey == null ? null : digest(body);
        Caller caller = current.get();
        long started = System.nanoTime();
        return transactions.inTransaction(caller, () -> statements.begin(caller, asked.agent(), asked.model(), sessionId, idempotencyKey,
                digest, sessionId == null ? CompletionStatements.Stored.NOTHING : stored(asked.messages()))
                .chain(begun -> {
                    if (begun.agentId() == null || !begun.usable()) {
                        throw ApiException.notFound("Model").withCode("model_not_found",
                                "The model '" + body.model() + "' does not exist or is not available.");
                    }
                    if (sessionId != null && !begun.sessionFound()) {
                        throw ApiException.notFound("Chat session");
                    }
                    if (sessionId != null && !begun.sessionMatches()) {
                        throw ApiException.invalidField("model", "the chat session named by " + SESSION_HEADER + " talks to "
                                + begun.sessionModel());
                    }
                    if (begun.earlierId() != null) {
                        return Uni.createFrom().item(Call.replaying(replay(begun, digest)));
                    }
                    List<ChatProvider.Message> messages = new ArrayList<>();
                    begun.systemPrompts().forEach(prompt -> messages.add(new ChatProvider.Message("system", prompt)));
                    messages.addAll(asked.messages());
                    return catalogue.target(begun.agentId(), begun.agentVersion(), begun.modelId(), begun.modelVersion())
                            .map(target -> new Call(caller, body.model(), begun.executionId(), new Route(target), messages, asked,
                                    started, sessionId, idempotencyKey != null, null));
                }))
                .invoke(call -> {
                    if (call.executionId() != null) {
                        recorder.opened(call.executionId(), call.route().target().agent().name);
                    }
                });
    }

    private static UUID sessionId(String header) {
        if (header == null) {
            return null;
        }
        try {
            return UUID.fromString(header.strip());
        } catch (IllegalArgumentException e) {
            throw ApiException.invalidField(SESSION_HEADER, "must be a chat session id (a UUID)");
        }
    }

    /**
     * What a completion adds to its session: the user and tool messages after its last assistant
     * message (an OpenAI client sends the whole conversation every time; what came before is stored).
     */
    private static CompletionStatements.Stored stored(List<ChatProvider.Message> messages) {
        int from = 0;
        for (int i = messages.size() - 1; i >= 0; i--) {
            if (messages.get(i).role().equals("assistant")) {
                from = i + 1;
                break;
            }
        }
        List<ChatProvider.Message> added = messages.subList(from, messages.size()).stream()
                .filter(m -> m.role().equals("user") || m.role().equals("tool")).toList();
        String title = added.stream().filter(m -> m.role().equals("user")).reduce((a, b) -> b)
                .map(m -> ChatTurns.title(m.content())).orElse(null);
        return new CompletionStatements.Stored(added.stream().map(ChatProvider.Message::role).toArray(String[]::new),
                added.stream().map(ChatProvider.Message::content).toArray(String[]::new),
                added.stream().map(ChatProvider.Message::toolCallId).toArray(String[]::new), title);
    }

    /** The request as sent, hashed: a key sent again with another request is refused, not answered with the first one's reply. */
    private String digest(ChatCompletionRequest body) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(json.writeValueAsBytes(body)));
        } catch (JsonProcessingException | NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The first answer to a request sent with the same Idempotency-Key, as the chat API replays a turn. */
    private ChatCompletion replay(CompletionStatements.Begun begun, String digest) {
        if (!digest.equals(begun.earlierDigest())) {
            throw ApiException.unprocessable("This Idempotency-Key was sent with a different request; use a new key for a new request.");
        }
        if ("running".equals(begun.earlierStatus())) {
            throw ApiException.conflict("A completion with this Idempotency-Key is still being answered.");
        }
        if (!"success".equals(begun.earlierStatus()) || begun.earlierResponse() == null) {
            throw ApiException.badGateway("The first attempt with this Idempotency-Key failed (" + begun.earlierError()
                    + "); send the request again with a new key.");
        }
        try {
            return json.readValue(begun.earlierResponse(), ChatCompletion.class);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("A stored completion could not be read", e);
        }
    }

    /** A replayed answer as the events a stream of it would have sent. */
    private String replayed(ChatCompletion completion, boolean usage) {
        ChatCompletion.Choice choice = completion.choices().get(0);
        List<ChatCompletion.ToolCall> calls = choice.message().toolCalls() == null ? List.of() : choice.message().toolCalls();
        List<ChatCompletionChunk.ToolCallDelta> deltas = new ArrayList<>(calls.size());
        for (int i = 0; i < calls.size(); i++) {
            deltas.add(new ChatCompletionChunk.ToolCallDelta(i, calls.get(i).id(), "function", calls.get(i).function()));
        }
        StringBuilder events = new StringBuilder(event(new ChatCompletionChunk(completion.id(), "chat.completion.chunk",
                completion.created(), completion.model(), List.of(new ChatCompletionChunk.Choice(0, new ChatCompletionChunk.Delta(
                        "assistant", choice.message().content(), deltas.isEmpty() ? null : deltas), null, null)), null)));
        events.append(event(new ChatCompletionChunk(completion.id(), "chat.completion.chunk", completion.created(), completion.model(),
                List.of(new ChatCompletionChunk.Choice(0, new ChatCompletionChunk.Delta(null, null), choice.finishReason(), null)),
                null)));
        if (usage) {
            events.append(event(new ChatCompletionChunk(completion.id(), "chat.completion.chunk", completion.created(),
                    completion.model(), List.of(), completion.usage())));
        }
        return events.append("data: [DONE]\n\n").toString();
    }

    private Multi<String> events(Call call, StreamProgress p, Multi<ChatProvider.Chunk> chunks, boolean usage, String requestId) {
        String id = "chatcmpl-" + call.executionId();
        long created = Instant.now().getEpochSecond();
        AtomicBoolean first = new AtomicBoolean(true);
        Multi<String> deltas = chunks
                .invoke(p::received)
                .filter(chunk -> (chunk.text() != null && !chunk.text().isEmpty()) || !chunk.toolCalls().isEmpty())
                .map(chunk -> event(new ChatCompletionChunk(id, "chat.completion.chunk", created, call.model(),
                        List.of(new ChatCompletionChunk.Choice(0, new ChatCompletionChunk.Delta(first.getAndSet(false) ? "assistant" : null,
                                chunk.text() == null || chunk.text().isEmpty() ? null : chunk.text(), chunk.toolCalls().isEmpty() ? null
                                        : chunk.toolCalls().stream().map(ChatCompletionChunk.ToolCallDelta::of).toList()),
                                null, null)), null)));
        Multi<String> last = Multi.createFrom().uni(Uni.createFrom().voidItem()
                .invoke(p::end)
                .chain(() -> endStream(call, p, null, null))
                .map(ignored -> {
                    ChatProvider.Reply reply = p.reply();
                    StringBuilder events = new StringBuilder(event(new ChatCompletionChunk(id, "chat.completion.chunk", created,
                            call.model(), List.of(new ChatCompletionChunk.Choice(0, new ChatCompletionChunk.Delta(null, null),
                                    finishReason(reply), null)), null)));
                    if (usage) {
                        events.append(event(new ChatCompletionChunk(id, "chat.completion.chunk", created, call.model(), List.of(),
                                ChatCompletion.Usage.of(reply.inputTokens(), reply.outputTokens()))));
                    }
                    return events.append("data: [DONE]\n\n").toString();
                }));
        return Multi.createBy().concatenating().streams(deltas, last)
                .onFailure().recoverWithMulti(failure -> Multi.createFrom().uni(Uni.createFrom().voidItem()
                        .invoke(p::end)
                        .chain(() -> endStream(call, p, failure, null))
                        .map(error -> event(Problem.of(error, requestId).asOpenAi()))))
                .onCancellation().call(() -> !p.end() ? Uni.createFrom().voidItem()
                        : endStream(call, p, ApiException.clientClosed(), "cancelled").replaceWithVoid());
    }

    /**
     * Ends a streamed completion's execution: a success when {@code failure} is null, else the error
     * to report (what arrived is stored as partial when the completion names a session).
     */
    private Uni<ApiException> endStream(Call call, StreamProgress p, Throwable failure, String statusOverride) {
        if (failure == null) {
            ChatProvider.Reply reply = p.reply();
            return succeed(call, new Outcome("success", p.millisSinceCall(), p.timeToFirstToken(), p.hubMillis(), reply.inputTokens(),
                    reply.outputTokens(), call.route().attempts(), null, null, true), reply).replaceWith((ApiException) null);
        }
        UpstreamFailure upstream = UpstreamFailure.of(failure, call.route().target().agent());
        Outcome outcome = new Outcome(statusOverride != null ? statusOverride : upstream.status(), p.millisSinceCall(),
                p.timeToFirstToken(), p.hubMillisBeforeCall(), null, null, call.route().attempts(), upstream.code(),
                upstream.error().getMessage(), true);
        return fail(call, outcome, p.text()).replaceWith(forClients(upstream.error()));
    }

    /**
     * A provider's rate limit, still there after the agent's retries, is a 429 with Retry-After
     * here (on the chat API a 502): OpenAI's clients back off and retry on exactly that.
     */
    static ApiException forClients(ApiException error) {
        if (error instanceof ProviderException p && "rate_limited".equals(p.code())) {
            long seconds = p.retryAfterMs() == null ? 1 : Math.max(1, (p.retryAfterMs() + 999) / 1000);
            return ApiException.tooManyRequests(p.getMessage(), seconds);
        }
        return error;
    }

    private String event(Object data) {
        return "data: " + write(data) + "\n\n";
    }

    private String write(Object data) {
        try {
            return json.writeValueAsString(data);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    private Uni<ChatCompletion> run(Call call) {
        return agents.complete(call.caller(), call.executionId(), call.route(), call::upstream, call.startedNanos()).chain(done -> {
            if (done.failure() == null) {
                ChatProvider.Reply reply = done.reply();
                Outcome outcome = new Outcome("success", done.latencyMs(), done.latencyMs(), done.overheadMs(), reply.inputTokens(),
                        reply.outputTokens(), call.route().attempts(), null, null, false);
                return succeed(call, outcome, reply);
            }
            UpstreamFailure upstream = UpstreamFailure.of(done.failure(), call.route().target().agent());
            Outcome outcome = new Outcome(upstream.status(), done.latencyMs(), null, done.overheadMs(), null, null,
                    call.route().attempts(), upstream.code(), upstream.error().getMessage(), false);
            return fail(call, outcome, "").chain(() -> Uni.createFrom().failure(forClients(upstream.error())));
        });
    }

    /** The last step of an answered completion: the reply stored in its session, the answer kept when a key asked for it. */
    private Uni<ChatCompletion> succeed(Call call, Outcome outcome, ChatProvider.Reply reply) {
        ChatCompletion answer = completion(call, reply);
        String calls = reply.toolCalls().isEmpty() ? null : new JsonArray(reply.toolCalls().stream()
                .map(c -> new JsonObject().put("id", c.id()).put("name", c.name()).put("arguments", c.arguments())).toList()).encode();
        return end(call, outcome, new CompletionStatements.Ending(call.sessionId(), reply.text(), "complete", calls,
                call.keepsAnswer() ? write(answer) : null)).replaceWith(answer);
    }

    /** The last step of a failed or cut-off completion: what arrived is stored, marked partial, when it names a session. */
    private Uni<Void> fail(Call call, Outcome outcome, String partial) {
        return end(call, outcome, new CompletionStatements.Ending(call.sessionId(), partial, partial.isEmpty() ? "failed" : "partial",
                null, null));
    }

    /** Closes the execution; a write that must land, retried through a database restart. */
    private Uni<Void> end(Call call, Outcome outcome, CompletionStatements.Ending ending) {
        return DatabaseFailures.landing(() -> transactions.inTransaction(call.caller(),
                () -> statements.end(call.caller(), call.executionId(), outcome, ending)))
                .onFailure().invoke(() -> recorder.forget(call.executionId()))
                .invoke(closed -> recorder.closed(call.executionId(), call.route().target().agent().name,
                        call.route().target().model().name, outcome, closed))
                .replaceWithVoid();
    }

    private static ChatCompletion completion(Call call, ChatProvider.Reply reply) {
        String text = reply.text().isEmpty() && !reply.toolCalls().isEmpty() ? null : reply.text();
        return new ChatCompletion("chatcmpl-" + call.executionId(), "chat.completion", Instant.now().getEpochSecond(), call.model(),
                List.of(new ChatCompletion.Choice(0, new ChatCompletion.Message("assistant", text, null,
                        reply.toolCalls().stream().map(ChatCompletion.ToolCall::of).toList()), finishReason(reply), null)),
                ChatCompletion.Usage.of(reply.inputTokens(), reply.outputTokens()), null);
    }

    /**
     * OpenAI's finish reasons from either provider's (OpenRouter already speaks OpenAI's; Vertex AI's
     * are upper case). A reply that called tools says so, as OpenAI's clients look for it to run them.
     */
    static String finishReason(ChatProvider.Reply reply) {
        String provider = reply.finishReason();
        if (!reply.toolCalls().isEmpty() && (provider == null || "STOP".equalsIgnoreCase(provider))) {
            return "tool_calls";
        }
        if (provider == null) {
            return "stop";
        }
        return switch (provider.toUpperCase(Locale.ROOT)) {
            case "STOP", "FINISH_REASON_UNSPECIFIED" -> "stop";
            case "LENGTH", "MAX_TOKENS" -> "length";
            case "TOOL_CALLS" -> "tool_calls";
            case "CONTENT_FILTER", "SAFETY", "RECITATION", "BLOCKLIST", "PROHIBITED_CONTENT", "SPII" -> "content_filter";
            default -> "stop";
        };
    }
}
