package io.agenthub.agents;

import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Queue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.util.TypeLiteral;

import org.eclipse.microprofile.faulttolerance.exceptions.BulkheadException;
import org.hibernate.reactive.mutiny.Mutiny;

import io.agenthub.agents.providers.ProviderException;
import io.agenthub.tenancy.TenantTransactions;
import io.quarkus.hibernate.reactive.panache.Panache;
import io.smallrye.faulttolerance.api.CircuitBreakerMaintenance;
import io.smallrye.faulttolerance.api.CircuitBreakerState;
import io.smallrye.faulttolerance.api.CustomBackoffStrategy;
import io.smallrye.faulttolerance.api.TypedGuard;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;

/**
 * Per-agent guards built at run time from the agent's row: timeout, retry with exponential backoff
 * and jitter (honouring Retry-After), a bulkhead and a circuit breaker. Breaker transitions are
 * queued here and written to circuit_breaker_state by the next transaction that records an
 * execution, so the table tells operators and other replicas the same story.
 */
@ApplicationScoped
public class AgentGuards {

    private static final TypeLiteral<Uni<Object>> ANY = new TypeLiteral<>() {
    };
    private static final AtomicInteger GENERATION = new AtomicInteger();

    private final Map<String, Guard> guards = new ConcurrentHashMap<>();
    private final TenantTransactions transactions;

    public AgentGuards(TenantTransactions transactions) {
        this.transactions = transactions;
    }

    private final Queue<Transition> transitions = new ConcurrentLinkedQueue<>();
    private final Map<String, AtomicInteger> streams = new ConcurrentHashMap<>();

    record Guard(String breakerName, TypedGuard<Uni<Object>> guard, String signature, AtomicInteger failures) {
    }

    /** A breaker state change waiting to be written. */
    public record Transition(String agent, String state, int failureCount, Instant at, Instant nextAttemptAt) {
    }

    /** Runs an upstream call (a whole reply, or the opening of a stream) under the agent's guards. */
    @SuppressWarnings("unchecked")
    public <T> Uni<T> call(Agent agent, Supplier<Uni<T>> call) {
        Guard guard = guards.compute(agent.name, (name, existing) -> existing != null && existing.signature().equals(signature(agent))
                ? existing : build(agent));
        return (Uni<T>) guard.guard().get(() -> call.get()
                .<Object>map(result -> result)
                .invoke(() -> guard.failures().set(0))
                .onFailure(ProviderException.class).invoke(e -> {
                    if (((ProviderException) e).countsAgainstProvider()) {
                        guard.failures().incrementAndGet();
                    }
                }));
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

    /** Closes the agent's breaker now (operators, after fixing credentials or a provider outage). */
    public Uni<Void> reset(String agentName) {
        Guard guard = guards.get(agentName);
        if (guard != null) {
            CircuitBreakerMaintenance.get().reset(guard.breakerName());
            guard.failures().set(0);
        }
        transitions.add(new Transition(agentName, "closed", 0, Instant.now(), null));
        return Uni.createFrom().voidItem();
    }

    /** This replica's breaker state for the agent (closed, open, half_open), if it has called the agent yet. */
    public Optional<String> breakerState(String agentName) {
        Guard guard = guards.get(agentName);
        return guard == null ? Optional.empty()
                : Optional.of(CircuitBreakerMaintenance.get().currentState(guard.breakerName()).name().toLowerCase());
    }

    /**
     * Writes the queued transitions in a system transaction of their own: the breaker belongs to
     * the platform, not to the caller whose request happened to trip it. Call outside any transaction.
     */
    public Uni<Void> persistTransitions() {
        if (transitions.isEmpty()) {
            return Uni.createFrom().voidItem();
        }
        return transactions.asSystem(() -> Panache.getSession().chain(this::flushTransitions));
    }

    private Uni<Void> flushTransitions(Mutiny.Session session) {
        Uni<Void> chain = Uni.createFrom().voidItem();
        Transition t;
        while ((t = transitions.poll()) != null) {
            Transition transition = t;
            chain = chain.chain(() -> session.createNativeQuery("""
                    UPDATE circuit_breaker_state cb SET state = :state, failure_count = :failures,
                        last_failure_at = CASE WHEN :state = 'open' THEN CAST(CAST(:at AS text) AS timestamptz) ELSE cb.last_failure_at END,
                        opened_at = CASE WHEN :state = 'open' THEN CAST(CAST(:at AS text) AS timestamptz)
                                         WHEN :state = 'closed' THEN NULL ELSE cb.opened_at END,
                        next_attempt_at = CAST(CAST(:next AS text) AS timestamptz),
                        last_transition_at = CAST(CAST(:at AS text) AS timestamptz),
                        updated_by = :by
                    FROM agents a WHERE a.id = cb.agent_id AND a.name = :agent""")
                    .setParameter("state", transition.state()).setParameter("failures", transition.failureCount())
                    .setParameter("at", transition.at().toString())
                    .setParameter("next", transition.nextAttemptAt() == null ? null : transition.nextAttemptAt().toString())
                    .setParameter("by", Replica.name()).setParameter("agent", transition.agent())
                    .executeUpdate().replaceWithVoid());
        }
        return chain;
    }

    public List<Transition> pending() {
        return List.copyOf(transitions);
    }

    private Guard build(Agent agent) {
        String breakerName = "agent-" + agent.name + "-" + GENERATION.incrementAndGet();
        AtomicInteger failures = new AtomicInteger();
        long openMs = agent.breakerOpenMs;
        TypedGuard<Uni<Object>> guard = TypedGuard.create(ANY)
                // the description names the guard in SmallRye Fault Tolerance's own metrics (method tag)
                .withDescription("agent." + agent.name)
                .withRetry()
                    .maxRetries(agent.maxRetries)
                    .delay(200, ChronoUnit.MILLIS)
                    .maxDuration(Math.max(agent.requestTimeoutMs * (agent.maxRetries + 1L), 1000), ChronoUnit.MILLIS)
                    .whenException(e -> e instanceof ProviderException p && p.retryable())
                    .withCustomBackoff().strategy(RetryAfterBackoff::new).done()
                    .done()
                .withCircuitBreaker()
                    .name(breakerName)
                    .requestVolumeThreshold(agent.breakerFailureThreshold)
                    .failureRatio(1.0)
                    .delay(openMs, ChronoUnit.MILLIS)
                    .successThreshold(1)
                    // a full bulkhead says the hub is busy, not that the provider is failing
                    .when(e -> e instanceof ProviderException p ? p.countsAgainstProvider() : !(e instanceof BulkheadException))
                    .onStateChange(state -> transitions.add(new Transition(agent.name, state.name().toLowerCase(),
                            state == CircuitBreakerState.CLOSED ? 0 : Math.max(failures.get(), agent.breakerFailureThreshold),
                            Instant.now(), state == CircuitBreakerState.OPEN ? Instant.now().plusMillis(openMs) : null)))
                    .done()
                .withTimeout().duration(agent.requestTimeoutMs, ChronoUnit.MILLIS).done()
                .withBulkhead().limit(agent.maxConcurrentCalls).queueSize(Math.max(1, agent.maxConcurrentCalls)).done()
                .build();
        return new Guard(breakerName, guard, signature(agent), failures);
    }

    private static String signature(Agent a) {
        return a.maxRetries + "/" + a.requestTimeoutMs + "/" + a.maxConcurrentCalls + "/" + a.breakerFailureThreshold + "/"
                + a.breakerOpenMs;
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
