package io.agenthub.agents;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

import org.eclipse.microprofile.faulttolerance.exceptions.BulkheadException;
import org.eclipse.microprofile.faulttolerance.exceptions.CircuitBreakerOpenException;
import org.jboss.logging.Logger;

import io.agenthub.agents.providers.ProviderException;
import io.agenthub.tenancy.Sql;
import io.agenthub.tenancy.TenantTransactions;
import io.agenthub.web.ApiException;
import io.agenthub.web.SqlValues;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.runtime.StartupEvent;
import io.quarkus.vertx.core.runtime.context.VertxContextSafetyToggle;
import io.smallrye.common.vertx.VertxContext;
import io.smallrye.mutiny.Uni;
import io.vertx.core.Context;
import io.vertx.core.Vertx;

/**
 * One circuit breaker per agent for all replicas, kept in circuit_breaker_state. Failures are
 * counted in the row, so the agent's threshold is reached once whichever replicas saw them; every
 * transition is written when it happens; each replica reads the rows every
 * {@code agent-hub.breakers.refresh} (500 ms), so a breaker another replica opened is honoured
 * here within that time without a call to the provider. When an open breaker is due, the replica
 * whose conditional update claims it probes the provider alone (half-open, for one call's lease);
 * the others keep refusing until the probe closes or reopens it.
 */
@ApplicationScoped
public class SharedBreakers {

    private static final Logger LOG = Logger.getLogger(SharedBreakers.class);

    /** What this replica knows of an agent's breaker. */
    /** {@code asOf}: the row's updated_at, so an older read never replaces a newer write. */
    public record State(String state, int failures, Instant nextAttemptAt, Instant asOf) {

        static State of(Object[] row) {
            return new State((String) row[0], (Integer) row[1], SqlValues.instant(row[2]), SqlValues.instant(row[3]));
        }

        /** The later of two readings of one row: a refresh that read before a write committed must not undo it. */
        static State later(State known, State read) {
            return known.asOf() != null && read.asOf() != null && read.asOf().isBefore(known.asOf()) ? known : read;
        }
    }

    private static final List<String> STATES = List.of("closed", "open", "half_open");

    private static final String RETURNING = " RETURNING cb.state, cb.failure_count, cb.next_attempt_at, cb.updated_at";

    private static final String READ = """
            SELECT a.name, cb.state, cb.failure_count, cb.next_attempt_at, cb.updated_at
            FROM circuit_breaker_state cb JOIN agents a ON a.id = cb.agent_id""";

    /** A failure seen while closed: counted, and the breaker opens at the threshold. */
    private static final String FAILED = """
            UPDATE circuit_breaker_state cb SET failure_count = cb.failure_count + 1, last_failure_at = now(),
                state = CASE WHEN cb.failure_count + 1 >= $2 THEN 'open' ELSE cb.state END,
                opened_at = CASE WHEN cb.failure_count + 1 >= $2 THEN now() ELSE cb.opened_at END,
                next_attempt_at = CASE WHEN cb.failure_count + 1 >= $2 THEN now() + make_interval(secs => $3 / 1000.0)
                                       ELSE cb.next_attempt_at END,
                last_transition_at = CASE WHEN cb.failure_count + 1 >= $2 THEN now() ELSE cb.last_transition_at END,
                updated_by = $4
            WHERE cb.agent_id = $1 AND cb.state = 'closed'""" + RETURNING;

    /** This replica's probe failed: open again for another full period. */
    private static final String REOPEN = """
            UPDATE circuit_breaker_state cb SET state = 'open', failure_count = cb.failure_count + 1, last_failure_at = now(),
                opened_at = now(), next_attempt_at = now() + make_interval(secs => $2 / 1000.0), last_transition_at = now(),
                updated_by = $3
            WHERE cb.agent_id = $1""" + RETURNING;

    /** The probe of a due breaker, claimed by one replica for a lease of one call. */
    private static final String CLAIM = """
            UPDATE circuit_breaker_state cb SET state = 'half_open', next_attempt_at = now() + make_interval(secs => $2 / 1000.0),
                last_transition_at = now(), updated_by = $3
            WHERE cb.agent_id = $1 AND cb.state <> 'closed' AND cb.next_attempt_at <= now()""" + RETURNING;

    /** A success (or an operator's reset) closes the breaker and forgets the failures. */
    private static final String CLOSE = """
            UPDATE circuit_breaker_state cb SET state = 'closed', failure_count = 0,
                success_count = cb.success_count + CASE WHEN cb.state <> 'closed' THEN 1 ELSE 0 END,
                opened_at = NULL, next_attempt_at = NULL,
                last_transition_at = CASE WHEN cb.state <> 'closed' THEN now() ELSE cb.last_transition_at END,
                updated_by = $2
            WHERE cb.agent_id = $1 AND (cb.state <> 'closed' OR cb.failure_count > 0)""" + RETURNING;

    /** A probe that said nothing about the provider (the hub was busy): the next due call probes again. */
    private static final String RELEASE = """
            UPDATE circuit_breaker_state cb SET state = 'open', next_attempt_at = now(), last_transition_at = now(), updated_by = $2
            WHERE cb.agent_id = $1 AND cb.state = 'half_open'""" + RETURNING;

    private static final String CURRENT = """
            SELECT cb.state, cb.failure_count, cb.next_attempt_at, cb.updated_at FROM circuit_breaker_state cb WHERE cb.agent_id = $1""";

    private final TenantTransactions transactions;
    private final MeterRegistry meters;
    private final Map<String, State> states = new ConcurrentHashMap<>();

    private final AtomicBoolean refreshing = new AtomicBoolean();

    public SharedBreakers(TenantTransactions transactions, MeterRegistry meters) {
        this.transactions = transactions;
        this.meters = meters;
    }

    /**
     * Re-reads the rows every {@code agent-hub.breakers.refresh} on a Vert.x timer: the scheduler
     * does not go below a second. Each read runs on a fresh duplicated context, as a scheduled job would.
     */
    void start(@Observes StartupEvent start, Vertx vertx, BreakersConfig config) {
        vertx.setPeriodic(config.refresh().toMillis(), id -> {
            if (!refreshing.compareAndSet(false, true)) {
                return;
            }
            Context context = VertxContext.createNewDuplicatedContext(vertx.getOrCreateContext());
            VertxContextSafetyToggle.setContextSafe(context, true);
            context.runOnContext(v -> refresh().onTermination().invoke(() -> refreshing.set(false)).subscribe().with(
                    ok -> {
                    }, e -> LOG.debugf("Breaker states not refreshed: %s", e.getMessage())));
        });
    }

    /** Reads every agent's breaker row. */
    public Uni<Void> refresh() {
        return transactions.asSystem(() -> Sql.rows(READ))
                .invoke(rows -> rows.forEach(r -> {
                    boolean first = !states.containsKey((String) r[0]);
                    states.merge((String) r[0], new State((String) r[1], (Integer) r[2], SqlValues.instant(r[3]),
                            SqlValues.instant(r[4])), State::later);
                    if (first) {
                        // every transition exported from 0, so an alert's increase() sees the first
                        STATES.forEach(state -> transitions((String) r[0], state));
                    }
                }))
                .replaceWithVoid();
    }

    /**
     * A reading of the agent's row made elsewhere on this replica (the breaker's API view): kept
     * like a refresh's, so what this replica reports it also enforces from that moment.
     */
    public void observed(String agentName, State read) {
        if (read.asOf() != null) {
            states.merge(agentName, read, State::later);
        }
    }

    /** The agent's breaker as this replica last read or wrote it. */
    public Optional<State> state(String agentName) {
        return Optional.ofNullable(states.get(agentName));
    }

    /**
     * Lets a call to the agent through, or refuses it with {@link CircuitBreakerOpenException}: at
     * once while the breaker is open or another replica probes, after claiming the probe when it is
     * due. Answers whether the call is this replica's probe.
     */
    Uni<Boolean> admit(Agent agent) {
        State known = states.get(agent.name);
        if (known == null || "closed".equals(known.state())) {
            return Uni.createFrom().item(false);
        }
        if (known.nextAttemptAt() != null && Instant.now().isBefore(known.nextAttemptAt())) {
            return Uni.createFrom().failure(open(agent));
        }
        long leaseMs = Math.max(1000L, agent.requestTimeoutMs + 1000L);
        return write(agent, CLAIM, agent.id, leaseMs, Replica.name()).chain(claimed -> {
            if (!claimed) {
                return Uni.createFrom().failure(open(agent));
            }
            LOG.infof("Circuit breaker of agent '%s': this replica probes the provider", agent.name);
            return Uni.createFrom().item(true);
        });
    }

    /**
     * Accounts for the outcome of an admitted call; only calls that say something about the
     * provider count. A write the database refuses is logged, never the caller's failure.
     */
    Uni<Void> record(Agent agent, boolean probe, Throwable failure) {
        return account(agent, probe, failure).onFailure().recoverWithUni(e -> {
            LOG.warnf("Circuit breaker of agent '%s' not updated: %s", agent.name, e.getMessage());
            return Uni.createFrom().voidItem();
        });
    }

    private Uni<Void> account(Agent agent, boolean probe, Throwable failure) {
        if (failure == null) {
            State known = states.get(agent.name);
            boolean clean = known == null || ("closed".equals(known.state()) && known.failures() == 0);
            return probe || !clean ? write(agent, CLOSE, agent.id, Replica.name()).replaceWithVoid() : Uni.createFrom().voidItem();
        }
        if (!countsAgainstProvider(failure)) {
            return probe ? write(agent, RELEASE, agent.id, Replica.name()).replaceWithVoid() : Uni.createFrom().voidItem();
        }
        return probe ? write(agent, REOPEN, agent.id, (long) agent.breakerOpenMs, Replica.name()).replaceWithVoid()
                : write(agent, FAILED, agent.id, agent.breakerFailureThreshold, (long) agent.breakerOpenMs, Replica.name())
                        .replaceWithVoid();
    }

    /** Closes the agent's breaker now (operators, after fixing credentials or a provider outage). */
    public Uni<Void> reset(Agent agent) {
        return write(agent, CLOSE, agent.id, Replica.name()).replaceWithVoid();
    }

    private Counter transitions(String agent, String state) {
        return Counter.builder("agent_hub_circuit_breaker_transitions")
                .description("Circuit breaker transitions this replica made, by the state entered")
                .tag("agent", agent).tag("state", state).register(meters);
    }

    static boolean countsAgainstProvider(Throwable failure) {
        if (failure instanceof ProviderException p) {
            return p.countsAgainstProvider();
        }
        // a full bulkhead says the hub is busy, an open breaker that nothing was called, and a request the
        // provider cannot take (refused while it was translated) was never sent
        return !(failure instanceof BulkheadException || failure instanceof CircuitBreakerOpenException
                || failure instanceof ApiException refused && refused.status() < 500);
    }

    private static CircuitBreakerOpenException open(Agent agent) {
        return new CircuitBreakerOpenException("Agent '" + agent.name + "' circuit breaker is open");
    }

    /**
     * Runs one of the conditional updates in a system transaction of its own (the breaker belongs to
     * the platform, not to the caller whose call tripped it) and keeps what the row says now.
     * Answers whether the update applied.
     */
    private Uni<Boolean> write(Agent agent, String sql, Object... params) {
        State before = states.get(agent.name);
        return transactions.asSystem(() -> Sql.row(sql, params).chain(row -> row != null ? Uni.createFrom().item(new Written(row, true))
                : Sql.row(CURRENT, agent.id).map(current -> new Written(current, false))))
                .map(written -> {
                    if (written.row() != null) {
                        State now = State.of(written.row());
                        states.merge(agent.name, now, State::later);
                        if (written.applied() && (before == null || !before.state().equals(now.state()))) {
                            LOG.infof("Circuit breaker of agent '%s' is %s", agent.name, now.state());
                            transitions(agent.name, now.state()).increment();
                        }
                    }
                    return written.applied();
                });
    }

    /** The row after a conditional update, and whether the update applied. */
    private record Written(Object[] row, boolean applied) {
    }

}
