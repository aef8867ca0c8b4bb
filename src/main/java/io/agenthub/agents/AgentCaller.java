package io.agenthub.agents;

import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;

import jakarta.enterprise.context.ApplicationScoped;

import org.eclipse.microprofile.faulttolerance.exceptions.CircuitBreakerOpenException;

import io.agenthub.agents.providers.ChatProvider;
import io.agenthub.executions.ExecutionRecorder;
import io.agenthub.tenancy.Caller;
import io.agenthub.tenancy.TenantTransactions;
import io.agenthub.web.ApiException;
import io.quarkus.arc.All;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;

/**
 * Calls an agent's provider under the agent's guards. An open breaker hands the call to the
 * agent's fallback model when it has one; the execution row is rerouted first, so it names the
 * model that answers and keeps the one asked for.
 */
@ApplicationScoped
public class AgentCaller {

    /** Where one call goes. The fallback may replace its target while it runs; attempts count retries. */
    public static final class Route {
        private volatile Target target;
        private volatile boolean rerouted;
        private final AtomicInteger attempts = new AtomicInteger();

        public Route(Target target) {
            this.target = target;
        }

        public Target target() {
            return target;
        }

        public int attempts() {
            return attempts.get();
        }

        /** The model that answered when it was the fallback, written {@code agent/model}; null otherwise. */
        public String fallbackModel() {
            return rerouted ? target.agent().name + "/" + target.model().name : null;
        }
    }

    private final AgentGuards guards;
    private final TenantTransactions transactions;
    private final AgentCatalogue agents;
    private final ExecutionRecorder recorder;
    private final List<ChatProvider> providers;

    public AgentCaller(AgentGuards guards, TenantTransactions transactions, AgentCatalogue agents, ExecutionRecorder recorder,
            @All List<ChatProvider> providers) {
        this.guards = guards;
        this.transactions = transactions;
        this.agents = agents;
        this.recorder = recorder;
        this.providers = providers;
    }

    /** Runs {@code attempt} (once per try) against the route's target, falling back as described above. */
    public <T> Uni<T> call(Caller caller, UUID executionId, Route route, Function<Target, Uni<T>> attempt) {
        Target first = route.target();
        return guards.call(first.agent(), () -> counted(route, attempt, first))
                .onFailure(CircuitBreakerOpenException.class).recoverWithUni(open -> first.agent().fallbackModelId == null
                        ? Uni.createFrom().failure(open)
                        : transactions.inTransaction(caller, () -> agents.fallbackFor(first.agent()).call(to -> to == null
                                ? Uni.createFrom().voidItem()
                                : recorder.reroute(executionId, to.agent().name, to.agent().id, to.model().id)))
                                .chain(to -> {
                                    if (to == null) {
                                        return Uni.createFrom().failure(open);
                                    }
                                    route.target = to;
                                    route.rerouted = true;
                                    return guards.call(to.agent(), () -> counted(route, attempt, to));
                                }));
    }

    /**
     * Opens a streamed reply from the route's agent, as {@link #call} makes it, holding the agent's
     * bulkhead while the stream is open.
     */
    public Uni<Multi<ChatProvider.Chunk>> stream(Caller caller, UUID executionId, Route route,
            Function<Target, ChatProvider.Request> request) {
        return call(caller, executionId, route, target -> guards.holdWhileStreaming(target.agent(),
                () -> requireProvider(target.agent().provider())
                        .stream(request.apply(target), target.agent().firstTokenTimeoutMs, target.agent().streamIdleTimeoutMs)));
    }

    /** A call completed, however it ended: the reply or the failure, its latency, and the hub's own share of the request. */
    public record Completed(ChatProvider.Reply reply, Throwable failure, long latencyMs, long overheadMs) {
    }

    /**
     * A whole reply from the route's agent, as {@link #call} makes it. The hub's overhead is the time
     * since {@code startedNanos} (when the request arrived) outside the provider's attempts.
     */
    public Uni<Completed> complete(Caller caller, UUID executionId, Route route, Function<Target, ChatProvider.Request> request,
            long startedNanos) {
        AtomicLong upstreamNanos = new AtomicLong();
        long callStarted = System.nanoTime();
        return call(caller, executionId, route, target -> {
            long attemptStarted = System.nanoTime();
            return requireProvider(target.agent().provider()).complete(request.apply(target))
                    .eventually(() -> upstreamNanos.addAndGet(System.nanoTime() - attemptStarted));
        }).onItemOrFailure().transform((reply, failure) -> new Completed(reply, failure, (System.nanoTime() - callStarted) / 1_000_000,
                Math.max(0, (System.nanoTime() - startedNanos - upstreamNanos.get()) / 1_000_000)));
    }

    private static <T> Uni<T> counted(Route route, Function<Target, Uni<T>> attempt, Target target) {
        route.attempts.incrementAndGet();
        return attempt.apply(target);
    }

    /** The client of the agent's provider ({@code config.provider}). */
    public Optional<ChatProvider> provider(String name) {
        return providers.stream().filter(p -> p.provider().equals(name)).findFirst();
    }

    /** The same, for a call that cannot go on without it. */
    public ChatProvider requireProvider(String name) {
        return provider(name).orElseThrow(() -> ApiException.unprocessable("No client for provider '" + name + "'."));
    }
}
