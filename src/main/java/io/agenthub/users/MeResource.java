package io.agenthub.users;

import java.util.UUID;

import jakarta.validation.Valid;
import jakarta.ws.rs.BeanParam;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;

import org.eclipse.microprofile.openapi.annotations.tags.Tag;
import org.jboss.resteasy.reactive.ResponseStatus;

import io.agenthub.web.Page;
import io.agenthub.web.PageRequest;
import io.quarkus.security.Authenticated;
import io.smallrye.mutiny.Uni;

@Path("/api/me")
@Authenticated
@Produces(MediaType.APPLICATION_JSON)
@Tag(name = "Me")
public class MeResource {

    private final MeService service;

    public MeResource(MeService service) {
        this.service = service;
    }

    @GET
    public Uni<MeView> me() {
        return service.me();
    }

    @GET
    @Path("/sessions")
    public Uni<Page<SessionView>> sessions(@Valid @BeanParam PageRequest page) {
        return service.sessions(page.limit(), page.cursor());
    }

    @DELETE
    @Path("/sessions/{id}")
    @ResponseStatus(204)
    public Uni<Void> revoke(@PathParam("id") UUID id) {
        return service.revokeSession(id);
    }
}
