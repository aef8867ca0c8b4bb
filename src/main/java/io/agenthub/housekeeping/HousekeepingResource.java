package io.agenthub.housekeeping;

import java.util.Map;

import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;

import org.eclipse.microprofile.openapi.annotations.tags.Tag;

import io.agenthub.audit.AuditTrail;
import io.agenthub.tenancy.Caller;
import io.agenthub.tenancy.CurrentCaller;
import io.agenthub.tenancy.TenantTransactions;
import io.quarkus.security.Authenticated;
import io.smallrye.mutiny.Uni;

/** Lets platform admins run housekeeping now, e.g. right after adding a new encryption key. */
@Path("/api/admin/housekeeping")
@Authenticated
@Produces(MediaType.APPLICATION_JSON)
@Tag(name = "Platform administration")
public class HousekeepingResource {

    private final HousekeepingJob job;
    private final CurrentCaller current;
    private final TenantTransactions transactions;
    private final AuditTrail audit;

    public HousekeepingResource(HousekeepingJob job, CurrentCaller current, TenantTransactions transactions, AuditTrail audit) {
        this.job = job;
        this.current = current;
        this.transactions = transactions;
        this.audit = audit;
    }

    @POST
    public Uni<HousekeepingJob.Result> run() {
        Caller caller = current.get();
        caller.requirePlatformAdmin();
        return job.run().call(result -> transactions.inTransaction(() -> audit.recordAdmin(caller.userId(),
                caller.organizationId(), "housekeeping.run", "housekeeping", null,
                Map.of("ran", result.ran(), "reencrypted", result.reencrypted(), "abandonedExecutions", result.abandonedExecutions()))));
    }
}
