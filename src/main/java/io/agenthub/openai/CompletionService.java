package io.agenthub.openai;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;

import io.agenthub.agents.AgentCaller;
import io.agenthub.agents.AgentCaller.Route;
import io.agenthub.agents.AgentCatalogue;
import io.agenthub.agents.Target;
import io.agenthub.agents.UpstreamFailure;
import io.agenthub.agents.providers.ChatProvider;
import io.agenthub.executions.ExecutionRecorder;
import io.agenthub.executions.ExecutionRecorder.Outcome;
import io.agenthub.tenancy.Caller;
import io.agenthub.tenancy.CurrentCaller;
import io.agenthub.tenancy.TenantTransactions;
import io.agenthub.web.ApiException;
import io.agenthub.web.DatabaseFailures;
import io.agenthub.web.Disconnects;
import io.smallrye.mutiny.Uni;

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

    public CompletionService(TenantTransactions transactions, CurrentCaller current, CompletionStatements statements,
            AgentCatalogue catalogue, AgentCaller agents, ExecutionRecorder recorder) {
        this.transactions = transactions;
        this.current = current;
        this.statements = statements;
        this.catalogue = catalogue;
        this.agents = agents;
        this.recorder = recorder;
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
                    asked == null ? limit : Math.min(asked, limit), request.sampling());
        }
    }

    public Uni<ChatCompletion> complete(ChatCompletionRequest body) {
        CompletionRequest request = CompletionRequest.of(body);
        Caller caller = current.get();
        long started = System.nanoTime();
        return transactions.inTransaction(caller, () -> statements.begin(caller, request.agent(), request.model())
                .chain(begun -> {
                    if (begun == null || !begun.usable()) {
                        throw ApiException.notFound("Model").withCode("model_not_found",
                                "The model '" + body.model() + "' does not exist or is not available.");
                    }
                    List<ChatProvider.Message> messages = new ArrayList<>();
                    begun.systemPrompts().forEach(prompt -> messages.add(new ChatProvider.Message("system", prompt)));
                    messages.addAll(request.messages());
                    return catalogue.target(begun.agentId(), begun.agentVersion(), begun.modelId(), begun.modelVersion())
                            .map(target -> new Call(caller, body.model(), begun.executionId(), new Route(target), messages, request,
                                    started));
                }))
                .invoke(call -> recorder.opened(call.executionId(), call.route().target().agent().name))
                // an accepted completion is answered and recorded even if its client leaves
                .chain(call -> Disconnects.survive(run(call)));
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
            return end(call, outcome).chain(() -> Uni.createFrom().failure(upstream.error()));
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
        return new ChatCompletion("chatcmpl-" + call.executionId(), "chat.completion", Instant.now().getEpochSecond(), call.model(),
                List.of(new ChatCompletion.Choice(0, new ChatCompletion.Message("assistant", reply.text(), null),
                        finishReason(reply.finishReason()), null)),
                ChatCompletion.Usage.of(reply.inputTokens(), reply.outputTokens()), null);
    }

    /** OpenAI's finish reasons from either provider's (OpenRouter already speaks OpenAI's; Vertex AI's are upper case). */
    static String finishReason(String provider) {
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
