package io.agenthub.organizations;

import jakarta.annotation.security.RolesAllowed;
import jakarta.validation.Valid;
import jakarta.validation.constraints.NotNull;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.PATCH;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;

import org.eclipse.microprofile.openapi.annotations.tags.Tag;

import io.agenthub.tenancy.Roles;
import io.quarkus.security.Authenticated;
import io.smallrye.mutiny.Uni;

@Path("/api/organizations/current")
@Authenticated
@Produces(MediaType.APPLICATION_JSON)
@Consumes(MediaType.APPLICATION_JSON)
@Tag(name = "Organizations")
public class OrganizationResource {

    private final OrganizationService service;

    public OrganizationResource(OrganizationService service) {
        this.service = service;
    }

    @GET
    public Uni<OrganizationView> get() {
        return service.current();
    }

    @RolesAllowed(Roles.ADMIN)
    @PATCH
    public Uni<OrganizationView> update(@Valid @NotNull UpdateOrganizationRequest body) {
        return service.updateCurrent(body);
    }
}
