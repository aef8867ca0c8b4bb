package io.agenthub.tenancy;

import java.util.function.Supplier;

import jakarta.enterprise.context.ApplicationScoped;

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
            + "set_config('app.system_context', $4, true)";

    private final CurrentCaller current;

    public TenantTransactions(CurrentCaller current) {
        this.current = current;
    }

    /** A transaction bound to the current request's caller. */
    public <T> Uni<T> inTransaction(Supplier<Uni<T>> work) {
        return inTransaction(current.get(), work);
    }

    /** A transaction bound to a caller captured earlier: work that outlives the request's callbacks (streams). */
    public <T> Uni<T> inTransaction(Caller caller, Supplier<Uni<T>> work) {
        return Disconnects.survive(Panache.withTransaction(() -> bind(caller.userId().toString(),
                caller.organizationId().toString(), caller.platformAdmin(), false).chain(() -> work.get())));
    }

    /** A transaction in the explicit system context: background jobs and caller provisioning only. */
    public <T> Uni<T> asSystem(Supplier<Uni<T>> work) {
        return Disconnects.survive(Panache.withTransaction(() -> bind("", "", false, true).chain(() -> work.get())));
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

    private static Uni<Integer> bind(String user, String org, boolean platformAdmin, boolean system) {
        return Sql.update(BIND, user, org, platformAdmin ? "true" : "", system ? "on" : "");
    }
}
