package io.agenthub.housekeeping;

import jakarta.annotation.security.RolesAllowed;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;

import org.eclipse.microprofile.openapi.annotations.tags.Tag;

import io.agenthub.tenancy.Roles;
import io.smallrye.mutiny.Uni;

/** Lets platform admins run housekeeping now, e.g. right after adding a new encryption key. */
@Path("/api/admin/housekeeping")
@RolesAllowed(Roles.PLATFORM_ADMIN)
@Produces(MediaType.APPLICATION_JSON)
@Tag(name = "Platform administration")
public class HousekeepingResource {

    private final HousekeepingService service;

    public HousekeepingResource(HousekeepingService service) {
        this.service = service;
    }

    @POST
    public Uni<HousekeepingJob.Result> run() {
        return service.runNow();
    }
}
