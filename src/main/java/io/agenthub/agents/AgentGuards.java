package io.agenthub.agents;

import java.time.temporal.ChronoUnit;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.util.TypeLiteral;

import org.eclipse.microprofile.faulttolerance.exceptions.BulkheadException;

import io.agenthub.agents.providers.ProviderException;
import io.smallrye.faulttolerance.api.CustomBackoffStrategy;
import io.smallrye.faulttolerance.api.TypedGuard;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;

/**
 * Per-agent guards built at run time from the agent's row: retry with exponential backoff and
 * jitter (honouring Retry-After) around the shared circuit breaker ({@link SharedBreakers}), around
 * a timeout and a bulkhead. Each attempt is admitted and accounted for by the breaker.
 */
@ApplicationScoped
public class AgentGuards {

    private static final TypeLiteral<Uni<Object>> ANY = new TypeLiteral<>() {
    };

    private final Map<String, Guard> guards = new ConcurrentHashMap<>();
    private final Map<String, AtomicInteger> streams = new ConcurrentHashMap<>();
    private final SharedBreakers breakers;

    public AgentGuards(SharedBreakers breakers) {
        this.breakers = breakers;
    }

    /** Retries around each attempt; the attempt itself under a timeout and the bulkhead. */
    record Guard(TypedGuard<Uni<Object>> retry, TypedGuard<Uni<Object>> attempt, String signature) {
    }

    /** Runs an upstream call (a whole reply, or the opening of a stream) under the agent's guards. */
    @SuppressWarnings("unchecked")
    public <T> Uni<T> call(Agent agent, Supplier<Uni<T>> call) {
        Guard guard = guards.compute(agent.name, (name, existing) -> existing != null && existing.signature().equals(signature(agent))
                ? existing : build(agent));
        return (Uni<T>) guard.retry().get(() -> breakers.admit(agent)
                .chain(probe -> guard.attempt().get(() -> call.get().map(result -> (Object) result))
                        .onItemOrFailure().call((result, failure) -> breakers.record(agent, probe, failure))));
    }

    /**
     * Opens a stream that holds one of the agent's concurrency permits until it ends (completes,
     * fails or is cancelled), not only while it opens: a streamed reply occupies the provider for
     * its whole length. Call inside {@link #call}, so opening is guarded as well. Over the limit,
     * the stream is refused at once with a BulkheadException.
     */
    public <T> Uni<Multi<T>> holdWhileStreaming(Agent agent, Supplier<Uni<Multi<T>>> open) {
        AtomicInteger active = streams.computeIfAbsent(agent.name, name -> new AtomicInteger());
        if (active.incrementAndGet() > agent.maxConcurrentCalls) {
            active.decrementAndGet();
            return Uni.createFrom().failure(new BulkheadException("Agent '" + agent.name + "' has "
                    + agent.maxConcurrentCalls + " streams open already"));
        }
        AtomicBoolean held = new AtomicBoolean(true);
        Runnable release = () -> {
            if (held.compareAndSet(true, false)) {
                active.decrementAndGet();
            }
        };
        return Uni.createFrom().<Multi<T>> deferred(open::get)
                .onFailure().invoke(release)
                .onCancellation().invoke(release)
                .map(stream -> stream.onTermination().invoke(release));
    }

    private Guard build(Agent agent) {
        TypedGuard<Uni<Object>> retry = TypedGuard.create(ANY)
                // the description names the guard in SmallRye Fault Tolerance's own metrics (method tag)
                .withDescription("agent." + agent.name)
                .withRetry()
                    .maxRetries(agent.maxRetries)
                    .delay(200, ChronoUnit.MILLIS)
                    .maxDuration(Math.max(agent.requestTimeoutMs * (agent.maxRetries + 1L), 1000), ChronoUnit.MILLIS)
                    .whenException(e -> e instanceof ProviderException p && p.retryable())
                    .withCustomBackoff().strategy(RetryAfterBackoff::new).done()
                    .done()
                .build();
        TypedGuard<Uni<Object>> attempt = TypedGuard.create(ANY)
                .withDescription("agent." + agent.name + ".attempt")
                .withTimeout().duration(agent.requestTimeoutMs, ChronoUnit.MILLIS).done()
                .withBulkhead().limit(agent.maxConcurrentCalls).queueSize(Math.max(1, agent.maxConcurrentCalls)).done()
                .build();
        return new Guard(retry, attempt, signature(agent));
    }

    private static String signature(Agent a) {
        return a.maxRetries + "/" + a.requestTimeoutMs + "/" + a.maxConcurrentCalls;
    }

    /** Exponential backoff with jitter, or the provider's Retry-After when it sent one (capped at 30 s). */
    static final class RetryAfterBackoff implements CustomBackoffStrategy {
        private long delay = 200;

        @Override
        public void init(long initialDelayInMillis) {
            delay = Math.max(50, initialDelayInMillis);
        }

        @Override
        public long nextDelayInMillis(Throwable cause) {
            if (cause instanceof ProviderException p && p.retryAfterMs() != null) {
                return Math.min(p.retryAfterMs(), 30_000);
            }
            long next = delay + (long) (Math.random() * delay / 2);
            delay = Math.min(delay * 2, 10_000);
            return next;
        }
    }
}
