package io.agenthub.health;

import jakarta.annotation.security.PermitAll;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;

import org.eclipse.microprofile.openapi.annotations.Operation;
import org.jboss.resteasy.reactive.RestResponse;

import io.smallrye.health.SmallRyeHealthReporter;
import io.smallrye.mutiny.Uni;

/**
 * Liveness and readiness on the public port, as a status and nothing else: the probes of a
 * platform that can only reach the serving port (a Knative Service) use these, while the checks'
 * details stay on the management interface ({@code /q/health}).
 */
@Path("/probe")
@PermitAll
@Produces(MediaType.APPLICATION_JSON)
public class ProbeResource {

    private final SmallRyeHealthReporter health;

    public ProbeResource(SmallRyeHealthReporter health) {
        this.health = health;
    }

    @GET
    @Path("/live")
    @Operation(hidden = true)
    public Uni<RestResponse<String>> live() {
        return health.getLivenessAsync().map(ProbeResource::status);
    }

    @GET
    @Path("/ready")
    @Operation(hidden = true)
    public Uni<RestResponse<String>> ready() {
        return health.getReadinessAsync().map(ProbeResource::status);
    }

    private static RestResponse<String> status(io.smallrye.health.SmallRyeHealth result) {
        return result.isDown() ? RestResponse.status(RestResponse.Status.SERVICE_UNAVAILABLE, "{\"status\":\"DOWN\"}")
                : RestResponse.ok("{\"status\":\"UP\"}");
    }
}
