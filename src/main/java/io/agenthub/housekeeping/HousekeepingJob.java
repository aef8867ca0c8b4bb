package io.agenthub.housekeeping;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

import jakarta.enterprise.context.ApplicationScoped;

import org.jboss.logging.Logger;

import io.agenthub.executions.ExecutionRecorder;
import io.agenthub.executions.ExecutionsConfig;
import io.agenthub.oauth.TokenCipher;
import io.agenthub.oauth.OAuthConfig;
import io.agenthub.tenancy.TenantTransactions;
import io.agenthub.web.DatabaseFailures;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.hibernate.reactive.panache.Panache;
import io.quarkus.runtime.Startup;
import io.quarkus.scheduler.Scheduled;
import io.smallrye.mutiny.Uni;

/**
 * Removes expired sessions, OAuth states and dead OAuth tokens, re-encrypts tokens made with a
 * retired key, and ends executions abandoned by turns that could not record their end. Runs soon
 * after start and then periodically; every replica schedules it, and a transaction-scoped advisory
 * lock lets one run at a time.
 */
@ApplicationScoped
@Startup
public class HousekeepingJob {

    private static final Logger LOG = Logger.getLogger(HousekeepingJob.class);
    /** Advisory lock key of this job: the same on every replica. */
    static final long LOCK = 0x4147454e54L;

    private final TenantTransactions transactions;
    private final TokenCipher cipher;
    private final OAuthConfig config;
    private final ExecutionRecorder recorder;
    private final ExecutionsConfig executions;
    private final Map<String, Counter> cleaned = new HashMap<>();
    private final Counter reencrypted;

    public HousekeepingJob(TenantTransactions transactions, TokenCipher cipher, OAuthConfig config, ExecutionRecorder recorder,
            ExecutionsConfig executions, MeterRegistry meters) {
        this.transactions = transactions;
        this.cipher = cipher;
        this.config = config;
        this.recorder = recorder;
        this.executions = executions;
        // registered up front so dashboards and alerts see zeros rather than no series
        for (String kind : List.of("sessions", "oauth_states", "oauth_tokens")) {
            cleaned.put(kind, Counter.builder("agent_hub_cleanup_rows").description("Expired rows removed by housekeeping")
                    .tag("kind", kind).register(meters));
        }
        reencrypted = Counter.builder("agent_hub_oauth_tokens_reencrypted")
                .description("OAuth token rows moved to the primary encryption key").register(meters);
    }

    public record Result(boolean ran, int sessions, int states, int tokens, int reencrypted, int abandonedExecutions) {
    }

    @Scheduled(every = "${agent-hub.oauth.housekeeping.every}", delayed = "10s",
            concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    Uni<Void> scheduled() {
        return run().replaceWithVoid()
                .onFailure().recoverWithUni(e -> {
                    if (DatabaseFailures.unavailable(e)) {
                        LOG.warnf("Housekeeping skipped, the database is unavailable: %s", e.getMessage());
                    } else {
                        LOG.errorf(e, "Housekeeping failed");
                    }
                    return Uni.createFrom().voidItem();
                });
    }

    public Uni<Result> run() {
        return transactions.asSystemAlone(LOCK, new Result(false, 0, 0, 0, 0, 0), () -> Panache.getSession().chain(session ->
                count(session, "cleanup_expired_sessions")
                        .chain(sessions -> count(session, "cleanup_expired_oauth_states")
                                .chain(states -> count(session, "cleanup_expired_oauth_tokens")
                                        .chain(tokens -> cipher.rotate(session, config.housekeeping().rotationBatch())
                                                .chain(rotated -> recorder.reapAbandoned(executions.abandonAfter())
                                                        .map(abandoned -> new Result(true, sessions, states, tokens, rotated,
                                                                abandoned))))))))
                .invoke(result -> {
                    if (result.ran()) {
                        cleaned.get("sessions").increment(result.sessions());
                        cleaned.get("oauth_states").increment(result.states());
                        cleaned.get("oauth_tokens").increment(result.tokens());
                        reencrypted.increment(result.reencrypted());
                        LOG.infof("Housekeeping removed %d sessions, %d OAuth states, %d OAuth tokens; re-encrypted %d; "
                                + "ended %d abandoned executions", result.sessions(), result.states(), result.tokens(),
                                result.reencrypted(), result.abandonedExecutions());
                        if (result.abandonedExecutions() > 0) {
                            LOG.warnf("%d executions could not record their end and were closed as abandoned",
                                    result.abandonedExecutions());
                        }
                    }
                });
    }

    private static Uni<Integer> count(org.hibernate.reactive.mutiny.Mutiny.Session session, String function) {
        return session.createNativeQuery("SELECT " + function + "()", Integer.class).getSingleResult();
    }
}
