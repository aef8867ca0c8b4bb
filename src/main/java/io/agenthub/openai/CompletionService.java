package io.agenthub.openai;

import java.time.Instant;
import java.util.ArrayList;
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
import io.agenthub.agents.StreamProgress;
import io.agenthub.agents.Target;
import io.agenthub.agents.UpstreamFailure;
import io.agenthub.agents.providers.ChatProvider;
import io.agenthub.agents.providers.ProviderException;
import io.agenthub.executions.ExecutionRecorder;
import io.agenthub.executions.ExecutionRecorder.Outcome;
import io.agenthub.tenancy.Caller;
import io.agenthub.tenancy.CurrentCaller;
import io.agenthub.tenancy.TenantTransactions;
import io.agenthub.web.ApiException;
import io.agenthub.web.DatabaseFailures;
import io.agenthub.web.Disconnects;
import io.agenthub.web.Problem;
import io.agenthub.web.RequestInfo;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;
import io.vertx.core.Context;
import io.vertx.core.Vertx;

/**
 * OpenAI's chat completions over the hub's agents, with everything a chat turn has: the caller
 * bound under row-level security, the organisation's system prompts first, the agent's guards
 * and fallback, and an execution row opened before the provider is called and closed before the
 * client is answered.
 */
@ApplicationScoped
public class CompletionService {

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

    /** A completion begun: its execution, where it is routed and what is sent. */
    private record Call(Caller caller, String model, UUID executionId, Route route, List<ChatProvider.Message> messages,
            CompletionRequest request, long startedNanos) {

        ChatProvider.Request upstream(Target target) {
            int limit = target.model().maxOutputTokens;
            Integer asked = request.maxTokens();
            return new ChatProvider.Request(target.model().providerModelId, target.agent().config, messages,
                    asked == null ? limit : Math.min(asked, limit), request.sampling(), request.tools(), request.format());
        }
    }

    public Uni<ChatCompletion> complete(ChatCompletionRequest body) {
        // an accepted completion is answered and recorded even if its client leaves
        return begin(body).chain(call -> Disconnects.survive(run(call)));
    }

    /**
     * A streamed completion: OpenAI's chunk events as tokens arrive, the usage when asked for, then
     * {@code [DONE]}. What fails before the first event is a plain error response; what fails later
     * is the stream's last event, an {@code error} object, as OpenAI sends it.
     */
    public Uni<Multi<String>> stream(ChatCompletionRequest body) {
        Context context = Vertx.currentContext();
        String requestId = request.requestId();
        return begin(body).chain(call -> {
            StreamProgress progress = new StreamProgress(call.startedNanos());
            return agents.stream(call.caller(), call.executionId(), call.route(), call::upstream)
                    .onFailure().recoverWithUni(failure -> endStream(call, progress, failure, null)
                            .chain(error -> Uni.createFrom().<Multi<ChatProvider.Chunk>> failure(error)))
                    .map(chunks -> events(call, progress, chunks.emitOn(task -> context.runOnContext(v -> task.run())),
                            body.usageStreamed(), requestId));
        });
    }

    /** The first step: the model resolved, its execution opened and the caller's prompts read, in one statement. */
    private Uni<Call> begin(ChatCompletionRequest body) {
        CompletionRequest asked = CompletionRequest.of(body);
        Caller caller = current.get();
        long started = System.nanoTime();
        return transactions.inTransaction(caller, () -> statements.begin(caller, asked.agent(), asked.model())
                .chain(begun -> {
                    if (begun == null || !begun.usable()) {
                        throw ApiException.notFound("Model").withCode("model_not_found",
                                "The model '" + body.model() + "' does not exist or is not available.");
                    }
                    List<ChatProvider.Message> messages = new ArrayList<>();
                    begun.systemPrompts().forEach(prompt -> messages.add(new ChatProvider.Message("system", prompt)));
                    messages.addAll(asked.messages());
                    return catalogue.target(begun.agentId(), begun.agentVersion(), begun.modelId(), begun.modelVersion())
                            .map(target -> new Call(caller, body.model(), begun.executionId(), new Route(target), messages, asked,
                                    started));
                }))
                .invoke(call -> recorder.opened(call.executionId(), call.route().target().agent().name));
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
     * to report (what arrived is only counted; a completion keeps no text).
     */
    private Uni<ApiException> endStream(Call call, StreamProgress p, Throwable failure, String statusOverride) {
        if (failure == null) {
            ChatProvider.Reply reply = p.reply();
            return end(call, new Outcome("success", p.millisSinceCall(), p.timeToFirstToken(), p.hubMillis(), reply.inputTokens(),
                    reply.outputTokens(), call.route().attempts(), null, null, true)).replaceWith((ApiException) null);
        }
        UpstreamFailure upstream = UpstreamFailure.of(failure, call.route().target().agent());
        Outcome outcome = new Outcome(statusOverride != null ? statusOverride : upstream.status(), p.millisSinceCall(),
                p.timeToFirstToken(), p.hubMillisBeforeCall(), null, null, call.route().attempts(), upstream.code(),
                upstream.error().getMessage(), true);
        return end(call, outcome).replaceWith(forClients(upstream.error()));
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
        try {
            return "data: " + json.writeValueAsString(data) + "\n\n";
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
                return end(call, outcome).replaceWith(() -> completion(call, reply));
            }
            UpstreamFailure upstream = UpstreamFailure.of(done.failure(), call.route().target().agent());
            Outcome outcome = new Outcome(upstream.status(), done.latencyMs(), null, done.overheadMs(), null, null,
                    call.route().attempts(), upstream.code(), upstream.error().getMessage(), false);
            return end(call, outcome).chain(() -> Uni.createFrom().failure(forClients(upstream.error())));
        });
    }

    /** Closes the execution; a write that must land, retried through a database restart. */
    private Uni<Void> end(Call call, Outcome outcome) {
        return DatabaseFailures.landing(() -> transactions.inTransaction(call.caller(), () -> statements.end(call.executionId(), outcome)))
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
