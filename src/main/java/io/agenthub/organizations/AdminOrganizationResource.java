package io.agenthub.organizations;

import java.util.UUID;

import jakarta.annotation.security.RolesAllowed;
import jakarta.validation.Valid;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import jakarta.ws.rs.BeanParam;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;

import org.eclipse.microprofile.openapi.annotations.tags.Tag;
import org.jboss.resteasy.reactive.ResponseStatus;

import io.agenthub.tenancy.Roles;
import io.agenthub.web.Page;
import io.agenthub.web.PageRequest;
import io.smallrye.mutiny.Uni;

@Path("/api/admin/organizations")
@RolesAllowed(Roles.PLATFORM_ADMIN)
@Produces(MediaType.APPLICATION_JSON)
@Consumes(MediaType.APPLICATION_JSON)
@Tag(name = "Platform administration")
public class AdminOrganizationResource {

    private final OrganizationService service;

    public AdminOrganizationResource(OrganizationService service) {
        this.service = service;
    }

    @GET
    public Uni<Page<OrganizationView>> list(@QueryParam("status") @Pattern(regexp = "active|suspended") String status,
            @Valid @BeanParam PageRequest page) {
        return service.list(status, page.limit(), page.cursor());
    }

    @POST
    @ResponseStatus(201)
    public Uni<OrganizationView> create(@Valid @NotNull CreateOrganizationRequest body) {
        return service.create(body);
    }

    @GET
    @Path("/{id}")
    public Uni<OrganizationView> get(@PathParam("id") UUID id) {
        return service.get(id);
    }

    @POST
    @Path("/{id}/suspend")
    public Uni<OrganizationView> suspend(@PathParam("id") UUID id, @Valid SuspendOrganizationRequest body) {
        return service.setSuspended(id, true, body == null ? null : body.reason());
    }

    @POST
    @Path("/{id}/reactivate")
    public Uni<OrganizationView> reactivate(@PathParam("id") UUID id) {
        return service.setSuspended(id, false, null);
    }
}
