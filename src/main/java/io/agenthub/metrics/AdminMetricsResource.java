package io.agenthub.metrics;

import java.time.LocalDate;
import java.util.List;
import java.util.UUID;

import jakarta.annotation.security.RolesAllowed;
import jakarta.validation.constraints.Size;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;

import org.eclipse.microprofile.openapi.annotations.tags.Tag;

import io.agenthub.metrics.MetricsService.DailyMetrics;
import io.agenthub.tenancy.Roles;
import io.smallrye.mutiny.Uni;

@Path("/api/admin/metrics")
@RolesAllowed(Roles.PLATFORM_ADMIN)
@Produces(MediaType.APPLICATION_JSON)
@Tag(name = "Platform administration")
public class AdminMetricsResource {

    private final MetricsService service;

    public AdminMetricsResource(MetricsService service) {
        this.service = service;
    }

    @GET
    @Path("/agents")
    public Uni<List<DailyMetrics>> platform(@QueryParam("from") LocalDate from, @QueryParam("to") LocalDate to,
            @QueryParam("agent") @Size(max = 64) String agent, @QueryParam("model") @Size(max = 100) String model,
            @QueryParam("organizationId") UUID organizationId) {
        return service.platform(from, to, agent, model, organizationId);
    }

    /** Backfill: recompute every day of the range now. */
    @POST
    @Path("/rollup")
    public Uni<MetricsRollup.Result> rollup(@QueryParam("from") LocalDate from, @QueryParam("to") LocalDate to) {
        return service.backfill(from, to);
    }

    /** The scheduled run, now: today and the days that received late executions. */
    @POST
    @Path("/rollup/incremental")
    public Uni<MetricsRollup.Result> incremental() {
        return service.incremental();
    }
}
