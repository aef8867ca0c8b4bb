package io.agenthub.metrics;

import java.time.Duration;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.List;
import java.util.TreeSet;
import java.util.function.Function;

import jakarta.enterprise.context.ApplicationScoped;

import org.hibernate.reactive.mutiny.Mutiny;
import org.jboss.logging.Logger;

import io.agenthub.tenancy.TenantTransactions;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.quarkus.hibernate.reactive.panache.Panache;
import io.quarkus.runtime.Startup;
import io.quarkus.scheduler.Scheduled;
import io.smallrye.mutiny.Uni;

/**
 * Recomputes agent_metrics from agent_executions: exact figures (percentile_cont), per organisation
 * and platform-wide in one scan per day (GROUPING SETS). Incremental: today plus the days whose
 * executions completed since the last computation. Idempotent: a row whose figures did not change
 * is not touched. One replica at a time through a transaction-scoped advisory lock.
 */
@ApplicationScoped
@Startup
public class MetricsRollup {

    private static final Logger LOG = Logger.getLogger(MetricsRollup.class);
    static final long LOCK = 0x524f4c4c5550L;
    static final String WORK_MEM = "64MB";

    /**
     * Days (UTC) whose executions completed after the newest computed row, late arrivals included.
     * completed_at is the finishing transaction's start, which may commit after a rollup took its
     * snapshot: the grace period looks back far enough to catch those on the next run. The newest
     * row is looked for among the last week's days only (an index range, not a scan of every
     * rollup ever made); an older watermark only makes the run look further back.
     */
    private static final String DIRTY_DAYS = """
            SELECT DISTINCT CAST(CAST(started_at AT TIME ZONE 'UTC' AS date) AS text)
            FROM agent_executions
            WHERE status <> 'running'
              AND completed_at > COALESCE((SELECT max(computed_at) FROM agent_metrics
                                           WHERE metric_date >= CAST(now() AT TIME ZONE 'UTC' AS date) - 7),
                                          '-infinity'::timestamptz) - interval '15 minutes'""";

    private static final String ROLLUP = """
            INSERT INTO agent_metrics (metric_date, organization_id, agent_id, model_id, executions, successes, errors, timeouts,
                                       cancellations, rejections, avg_latency_ms, p50_latency_ms, p95_latency_ms,
                                       avg_time_to_first_token_ms, p95_time_to_first_token_ms, input_tokens, output_tokens,
                                       distinct_users, distinct_sessions, computed_at)
            SELECT CAST(:day AS date), e.organization_id, e.agent_id, e.model_id,
                   count(*),
                   count(*) FILTER (WHERE e.status = 'success'),
                   count(*) FILTER (WHERE e.status = 'error'),
                   count(*) FILTER (WHERE e.status = 'timeout'),
                   count(*) FILTER (WHERE e.status = 'cancelled'),
                   count(*) FILTER (WHERE e.status = 'rejected'),
                   round(avg(e.latency_ms), 2),
                   round(CAST(percentile_cont(0.5) WITHIN GROUP (ORDER BY e.latency_ms) AS numeric), 2),
                   round(CAST(percentile_cont(0.95) WITHIN GROUP (ORDER BY e.latency_ms) AS numeric), 2),
                   round(avg(e.time_to_first_token_ms), 2),
                   round(CAST(percentile_cont(0.95) WITHIN GROUP (ORDER BY e.time_to_first_token_ms) AS numeric), 2),
                   COALESCE(sum(e.input_tokens), 0),
                   COALESCE(sum(e.output_tokens), 0),
                   count(DISTINCT e.user_id),
                   count(DISTINCT e.session_id),
                   now()
            FROM agent_executions e
            WHERE e.started_at >= CAST(CAST(:day AS date) AS timestamp) AT TIME ZONE 'UTC'
              AND e.started_at < CAST(CAST(:day AS date) + 1 AS timestamp) AT TIME ZONE 'UTC'
              AND e.status <> 'running'
            GROUP BY GROUPING SETS ((e.organization_id, e.agent_id, e.model_id), (e.agent_id, e.model_id))
            ON CONFLICT ON CONSTRAINT agent_metrics_day_key DO UPDATE SET
                executions = EXCLUDED.executions, successes = EXCLUDED.successes, errors = EXCLUDED.errors,
                timeouts = EXCLUDED.timeouts, cancellations = EXCLUDED.cancellations, rejections = EXCLUDED.rejections,
                avg_latency_ms = EXCLUDED.avg_latency_ms, p50_latency_ms = EXCLUDED.p50_latency_ms,
                p95_latency_ms = EXCLUDED.p95_latency_ms, avg_time_to_first_token_ms = EXCLUDED.avg_time_to_first_token_ms,
                p95_time_to_first_token_ms = EXCLUDED.p95_time_to_first_token_ms, input_tokens = EXCLUDED.input_tokens,
                output_tokens = EXCLUDED.output_tokens, distinct_users = EXCLUDED.distinct_users,
                distinct_sessions = EXCLUDED.distinct_sessions, computed_at = EXCLUDED.computed_at
            WHERE (agent_metrics.executions, agent_metrics.successes, agent_metrics.errors, agent_metrics.timeouts,
                   agent_metrics.cancellations, agent_metrics.rejections, agent_metrics.avg_latency_ms,
                   agent_metrics.p50_latency_ms, agent_metrics.p95_latency_ms, agent_metrics.avg_time_to_first_token_ms,
                   agent_metrics.p95_time_to_first_token_ms, agent_metrics.input_tokens, agent_metrics.output_tokens,
                   agent_metrics.distinct_users, agent_metrics.distinct_sessions)
               IS DISTINCT FROM
                  (EXCLUDED.executions, EXCLUDED.successes, EXCLUDED.errors, EXCLUDED.timeouts, EXCLUDED.cancellations,
                   EXCLUDED.rejections, EXCLUDED.avg_latency_ms, EXCLUDED.p50_latency_ms, EXCLUDED.p95_latency_ms,
                   EXCLUDED.avg_time_to_first_token_ms, EXCLUDED.p95_time_to_first_token_ms, EXCLUDED.input_tokens,
                   EXCLUDED.output_tokens, EXCLUDED.distinct_users, EXCLUDED.distinct_sessions)""";

    private final TenantTransactions transactions;
    private final Timer duration;

    public MetricsRollup(TenantTransactions transactions, MeterRegistry meters) {
        this.transactions = transactions;
        this.duration = Timer.builder("agent_hub_rollup_duration").description("Duration of agent_metrics rollup runs")
                .serviceLevelObjectives(Duration.ofMillis(100), Duration.ofSeconds(1), Duration.ofSeconds(5), Duration.ofSeconds(15),
                        Duration.ofSeconds(60))
                .register(meters);
    }

    public record Result(boolean ran, List<LocalDate> days, int rowsWritten, long millis) {
    }

    @Scheduled(every = "${agent-hub.metrics.rollup-every}", delayed = "1m", concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    Uni<Void> scheduled() {
        return incremental().replaceWithVoid().onFailure().recoverWithUni(e -> {
            LOG.errorf(e, "Metrics rollup failed");
            return Uni.createFrom().voidItem();
        });
    }

    /** Today and every day with executions completed since the last run. */
    public Uni<Result> incremental() {
        return locked(session -> session.createNativeQuery(DIRTY_DAYS, String.class).getResultList()
                .map(days -> {
                    TreeSet<LocalDate> all = new TreeSet<>(days.stream().map(LocalDate::parse).toList());
                    all.add(LocalDate.now(ZoneOffset.UTC));
                    return List.copyOf(all);
                }));
    }

    /** Every day from {@code from} to {@code to}, inclusive (backfill). */
    public Uni<Result> range(LocalDate from, LocalDate to) {
        return locked(session -> Uni.createFrom().item(from.datesUntil(to.plusDays(1)).toList()));
    }

    private Uni<Result> locked(Function<Mutiny.Session, Uni<List<LocalDate>>> daysOf) {
        long started = System.nanoTime();
        // exact percentiles sort a day's executions: let the sorts stay in memory for this transaction
        return transactions.asSystemAlone(LOCK, new Result(false, List.of(), 0, 0), () -> Panache.getSession().chain(session -> session
                .createNativeQuery("SELECT set_config('work_mem', '" + WORK_MEM + "', true)").getSingleResult()
                .chain(() -> daysOf.apply(session)).chain(days -> {
                    Uni<Integer> written = Uni.createFrom().item(0);
                    for (LocalDate day : days) {
                        written = written.chain(sum -> session.createNativeQuery(ROLLUP).setParameter("day", day)
                                .executeUpdate().map(n -> sum + n));
                    }
                    return written.map(n -> new Result(true, days, n, (System.nanoTime() - started) / 1_000_000));
                })))
                .invoke(result -> {
                    if (result.ran()) {
                        duration.record(Duration.ofMillis(result.millis()));
                        LOG.infof("Metrics rollup: %d days, %d rows written in %d ms", result.days().size(), result.rowsWritten(),
                                result.millis());
                    }
                });
    }
}
