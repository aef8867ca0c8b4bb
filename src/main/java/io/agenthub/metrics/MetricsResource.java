package io.agenthub.metrics;

import java.time.LocalDate;
import java.util.List;

import jakarta.annotation.security.RolesAllowed;
import jakarta.validation.constraints.Size;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;

import org.eclipse.microprofile.openapi.annotations.tags.Tag;

import io.agenthub.metrics.MetricsService.DailyMetrics;
import io.agenthub.tenancy.Roles;
import io.smallrye.mutiny.Uni;

@Path("/api/metrics/agents")
@RolesAllowed(Roles.ADMIN)
@Produces(MediaType.APPLICATION_JSON)
@Tag(name = "Metrics")
public class MetricsResource {

    private final MetricsService service;

    public MetricsResource(MetricsService service) {
        this.service = service;
    }

    /** The caller's organisation's daily figures (owners and admins). */
    @GET
    public Uni<List<DailyMetrics>> organization(@QueryParam("from") LocalDate from, @QueryParam("to") LocalDate to,
            @QueryParam("agent") @Size(max = 64) String agent, @QueryParam("model") @Size(max = 100) String model) {
        return service.organization(from, to, agent, model);
    }
}
