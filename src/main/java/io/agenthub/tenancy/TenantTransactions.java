package io.agenthub.tenancy;

import java.util.function.Supplier;

import jakarta.enterprise.context.ApplicationScoped;

import org.eclipse.microprofile.config.inject.ConfigProperty;

import io.agenthub.web.Disconnects;
import io.quarkus.hibernate.reactive.panache.Panache;
import io.smallrye.mutiny.Uni;

/**
 * The one tenant binding. Every service transaction opens here, and its first statement binds the
 * caller transaction-locally on that same connection, so row-level security sees the caller and a
 * pooled connection never carries one tenant's identity into another's transaction. A transaction
 * that has started ends in its commit or rollback even when the client disconnects.
 */
@ApplicationScoped
public class TenantTransactions {

    private static final String BIND = "SELECT set_config('app.current_user_id', $1, true), "
            + "set_config('app.current_org_id', $2, true), set_config('app.is_platform_admin', $3, true), "
            + "set_config('app.system_context', $4, true), set_config('plan_cache_mode', $5, true)";

    private final CurrentCaller current;
    private final String plannedOnce;

    public TenantTransactions(CurrentCaller current,
            @ConfigProperty(name = "quarkus.datasource.reactive.cache-prepared-statements", defaultValue = "false") boolean statementsCached) {
        this.current = current;
        // without a statement kept on the connection, a generic plan is built anew for every execution
        // and costs more than a custom one (the turn's first statement: 8.8 ms against 3 ms, behind
        // PgBouncer in transaction mode), so there the planner chooses as usual
        this.plannedOnce = statementsCached ? "force_generic_plan" : "auto";
    }

    /** A transaction bound to the current request's caller. */
    public <T> Uni<T> inTransaction(Supplier<Uni<T>> work) {
        return inTransaction(current.get(), work);
    }

    /** A transaction bound to a caller captured earlier: work that outlives the request's callbacks (streams). */
    public <T> Uni<T> inTransaction(Caller caller, Supplier<Uni<T>> work) {
        return bound(caller, "auto", work);
    }

    /**
     * As {@link #inTransaction(Caller, Supplier)}, with PostgreSQL keeping one generic plan per
     * prepared statement instead of planning each execution for its values. For a statement whose
     * planning costs more than its execution and whose per-value plans are no better: the turn's
     * first statement took 2 ms to plan and 0.1 ms to run, and for a session holding many of the
     * table's messages its custom plan walked the whole table's sequence index instead of the
     * session's. Where no statement is cached (a pooler in transaction mode) every execution is
     * planned anyway, and the planner chooses as usual.
     */
    public <T> Uni<T> inTransactionPlannedOnce(Caller caller, Supplier<Uni<T>> work) {
        return bound(caller, plannedOnce, work);
    }

    /** A transaction in the explicit system context: background jobs and caller provisioning only. */
    public <T> Uni<T> asSystem(Supplier<Uni<T>> work) {
        return Disconnects.survive(Panache.withTransaction(() -> bind("", "", false, true, "auto").chain(() -> work.get())));
    }

    /**
     * A system transaction that one replica at a time runs: it first takes the transaction-scoped
     * advisory lock {@code lock}, and when another replica holds it answers {@code whenBusy} at once.
     * Ends with its transaction, so a pooler in transaction mode keeps it.
     */
    public <T> Uni<T> asSystemAlone(long lock, T whenBusy, Supplier<Uni<T>> work) {
        return asSystem(() -> Sql.row("SELECT pg_try_advisory_xact_lock($1)", lock)
                .chain(row -> Boolean.TRUE.equals(row[0]) ? work.get() : Uni.createFrom().item(whenBusy)));
    }

    private static <T> Uni<T> bound(Caller caller, String planCacheMode, Supplier<Uni<T>> work) {
        return Disconnects.survive(Panache.withTransaction(() -> bind(caller.userId().toString(),
                caller.organizationId().toString(), caller.platformAdmin(), false, planCacheMode).chain(() -> work.get())));
    }

    private static Uni<Integer> bind(String user, String org, boolean platformAdmin, boolean system, String planCacheMode) {
        return Sql.update(BIND, user, org, platformAdmin ? "true" : "", system ? "on" : "", planCacheMode);
    }
}
