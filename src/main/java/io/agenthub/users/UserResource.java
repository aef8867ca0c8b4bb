package io.agenthub.users;

import java.util.UUID;

import jakarta.annotation.security.RolesAllowed;
import jakarta.validation.Valid;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import jakarta.ws.rs.BeanParam;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.PATCH;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;

import org.eclipse.microprofile.openapi.annotations.tags.Tag;

import io.agenthub.tenancy.Roles;
import io.agenthub.web.Page;
import io.agenthub.web.PageRequest;
import io.quarkus.security.Authenticated;
import io.smallrye.mutiny.Uni;

@Path("/api/users")
@Authenticated
@Produces(MediaType.APPLICATION_JSON)
@Consumes(MediaType.APPLICATION_JSON)
@Tag(name = "Users")
public class UserResource {

    private final UserService service;

    public UserResource(UserService service) {
        this.service = service;
    }

    @GET
    public Uni<Page<UserView>> list(@QueryParam("role") @Pattern(regexp = "owner|admin|member|viewer") String role,
            @QueryParam("active") Boolean active, @Valid @BeanParam PageRequest page) {
        return service.list(role, active, page.limit(), page.cursor());
    }

    @GET
    @Path("/{id}")
    public Uni<UserView> get(@PathParam("id") UUID id) {
        return service.get(id);
    }

    @RolesAllowed(Roles.ADMIN)
    @PATCH
    @Path("/{id}")
    public Uni<UserView> update(@PathParam("id") UUID id, @Valid @NotNull UpdateUserRequest body) {
        return service.update(id, body);
    }
}
