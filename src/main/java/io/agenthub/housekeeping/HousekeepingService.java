package io.agenthub.housekeeping;

import java.util.Map;

import jakarta.enterprise.context.ApplicationScoped;

import io.agenthub.audit.AuditTrail;
import io.agenthub.tenancy.Caller;
import io.agenthub.tenancy.CurrentCaller;
import io.agenthub.tenancy.TenantTransactions;
import io.smallrye.mutiny.Uni;

/** Housekeeping on a platform admin's request: the scheduled run, now, and audited. */
@ApplicationScoped
public class HousekeepingService {

    private final HousekeepingJob job;
    private final CurrentCaller current;
    private final TenantTransactions transactions;
    private final AuditTrail audit;

    public HousekeepingService(HousekeepingJob job, CurrentCaller current, TenantTransactions transactions, AuditTrail audit) {
        this.job = job;
        this.current = current;
        this.transactions = transactions;
        this.audit = audit;
    }

    public Uni<HousekeepingJob.Result> runNow() {
        Caller caller = current.get();
        return job.run().call(result -> transactions.inTransaction(() -> audit.recordAdmin(caller.userId(),
                caller.organizationId(), "housekeeping.run", "housekeeping", null,
                Map.of("ran", result.ran(), "reencrypted", result.reencrypted(), "abandonedExecutions", result.abandonedExecutions()))));
    }
}
