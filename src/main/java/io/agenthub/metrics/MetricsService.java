package io.agenthub.metrics;

import java.math.BigDecimal;
import java.time.LocalDate;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;

import io.agenthub.audit.AuditTrail;
import io.agenthub.tenancy.Caller;
import io.agenthub.tenancy.CurrentCaller;
import io.agenthub.tenancy.TenantTransactions;
import io.agenthub.web.ApiException;
import io.quarkus.hibernate.reactive.panache.Panache;
import io.smallrye.mutiny.Uni;

/** Reading the daily rollups: an organisation's own, or platform-wide for platform admins. */
@ApplicationScoped
public class MetricsService {

    static final int MAX_DAYS = 366;

    private final TenantTransactions transactions;
    private final CurrentCaller current;
    private final MetricsRollup rollup;
    private final AuditTrail audit;

    public MetricsService(TenantTransactions transactions, CurrentCaller current, MetricsRollup rollup, AuditTrail audit) {
        this.transactions = transactions;
        this.current = current;
        this.rollup = rollup;
        this.audit = audit;
    }

    public record DailyMetrics(LocalDate date, UUID organizationId, String agent, String model, int executions, int successes,
            int errors, int timeouts, int cancellations, int rejections, BigDecimal avgLatencyMs, BigDecimal p50LatencyMs,
            BigDecimal p95LatencyMs, BigDecimal avgTimeToFirstTokenMs, BigDecimal p95TimeToFirstTokenMs, long inputTokens,
            long outputTokens, int distinctUsers, int distinctSessions) {
    }

    /** The caller's organisation (owners and admins). */
    public Uni<List<DailyMetrics>> organization(LocalDate from, LocalDate to, String agent, String model) {
        return query(current.get().organizationId(), from, to, agent, model);
    }

    /** Platform-wide rows, or one organisation's (platform admins). */
    public Uni<List<DailyMetrics>> platform(LocalDate from, LocalDate to, String agent, String model, UUID organizationId) {
        return query(organizationId, from, to, agent, model);
    }

    /** The scheduled run, now. Audited. */
    public Uni<MetricsRollup.Result> incremental() {
        return audited(current.get(), rollup.incremental(), Map.of());
    }

    /** Recomputes every day of the range now (a backfill after an import, or a repair). Audited. */
    public Uni<MetricsRollup.Result> backfill(LocalDate from, LocalDate to) {
        range(from, to);
        return audited(current.get(), rollup.range(from, to), Map.of("from", from.toString(), "to", to.toString()));
    }

    private Uni<MetricsRollup.Result> audited(Caller caller, Uni<MetricsRollup.Result> run, Map<String, Object> details) {
        return run.invoke(result -> {
            if (!result.ran()) {
                throw ApiException.conflict("Another replica is computing the rollups right now; retry shortly.");
            }
        }).call(result -> {
            Map<String, Object> summary = new java.util.HashMap<>(details);
            summary.put("days", result.days().size());
            summary.put("rowsWritten", result.rowsWritten());
            return transactions.inTransaction(() -> audit.recordAdmin(caller.userId(), caller.organizationId(), "metrics.rollup",
                    "agent_metrics", null, summary));
        });
    }

    private Uni<List<DailyMetrics>> query(UUID organizationId, LocalDate from, LocalDate to, String agent, String model) {
        range(from, to);
        String sql = """
                SELECT CAST(m.metric_date AS text), m.organization_id, a.name, mo.name, m.executions, m.successes, m.errors,
                       m.timeouts, m.cancellations, m.rejections, m.avg_latency_ms, m.p50_latency_ms, m.p95_latency_ms,
                       m.avg_time_to_first_token_ms, m.p95_time_to_first_token_ms, m.input_tokens, m.output_tokens,
                       m.distinct_users, m.distinct_sessions
                FROM agent_metrics m JOIN agents a ON a.id = m.agent_id JOIN models mo ON mo.id = m.model_id
                WHERE m.metric_date BETWEEN CAST(:from AS date) AND CAST(:to AS date)
                """ + (organizationId == null ? " AND m.organization_id IS NULL" : " AND m.organization_id = :org")
                + (agent == null ? "" : " AND a.name = :agent") + (model == null ? "" : " AND mo.name = :model")
                + " ORDER BY m.metric_date, a.name, mo.name";
        return transactions.inTransaction(() -> Panache.getSession().chain(s -> {
            var q = s.createNativeQuery(sql, Object[].class).setParameter("from", from).setParameter("to", to);
            if (organizationId != null) {
                q.setParameter("org", organizationId);
            }
            if (agent != null) {
                q.setParameter("agent", agent);
            }
            if (model != null) {
                q.setParameter("model", model);
            }
            return q.getResultList();
        })).map(rows -> rows.stream().map(r -> new DailyMetrics(LocalDate.parse((String) r[0]), (UUID) r[1], (String) r[2],
                (String) r[3], i(r[4]), i(r[5]), i(r[6]), i(r[7]), i(r[8]), i(r[9]), d(r[10]), d(r[11]), d(r[12]), d(r[13]), d(r[14]),
                ((Number) r[15]).longValue(), ((Number) r[16]).longValue(), i(r[17]), i(r[18]))).toList());
    }

    private static void range(LocalDate from, LocalDate to) {
        if (from == null || to == null) {
            throw ApiException.invalidField(from == null ? "from" : "to", "is required (YYYY-MM-DD)");
        }
        if (to.isBefore(from)) {
            throw ApiException.invalidField("to", "must not be before 'from'");
        }
        if (from.plusDays(MAX_DAYS).isBefore(to)) {
            throw ApiException.invalidField("to", "the range may span at most " + MAX_DAYS + " days");
        }
    }

    private static int i(Object value) {
        return ((Number) value).intValue();
    }

    private static BigDecimal d(Object value) {
        return value == null ? null : new BigDecimal(value.toString());
    }
}
