package io.agenthub.agents;

import java.util.List;

import jakarta.annotation.security.RolesAllowed;
import jakarta.validation.Valid;
import jakarta.validation.constraints.NotNull;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.PATCH;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;

import org.eclipse.microprofile.openapi.annotations.tags.Tag;
import org.jboss.resteasy.reactive.ResponseStatus;

import io.agenthub.tenancy.Roles;
import io.quarkus.security.Authenticated;
import io.smallrye.mutiny.Uni;

@Path("/api/agents")
@Authenticated
@Produces(MediaType.APPLICATION_JSON)
@Consumes(MediaType.APPLICATION_JSON)
@Tag(name = "Agents")
public class AgentResource {

    private final AgentService service;
    private final AgentBreakerService breakers;

    public AgentResource(AgentService service, AgentBreakerService breakers) {
        this.service = service;
        this.breakers = breakers;
    }

    @GET
    public Uni<List<AgentView>> list() {
        return service.list();
    }

    @RolesAllowed(Roles.PLATFORM_ADMIN)
    @PATCH
    @Path("/{name}")
    public Uni<AgentView> update(@PathParam("name") String name, @Valid @NotNull UpdateAgentRequest body) {
        return service.update(name, body);
    }

    @GET
    @Path("/{name}/models")
    public Uni<List<ModelView>> models(@PathParam("name") String name) {
        return service.models(name);
    }

    @RolesAllowed(Roles.PLATFORM_ADMIN)
    @POST
    @Path("/{name}/models")
    @ResponseStatus(201)
    public Uni<ModelView> addModel(@PathParam("name") String name, @Valid @NotNull ModelRequest body) {
        return service.addModel(name, body);
    }

    @RolesAllowed(Roles.PLATFORM_ADMIN)
    @PATCH
    @Path("/{name}/models/{model}")
    public Uni<ModelView> updateModel(@PathParam("name") String name, @PathParam("model") String model,
            @Valid @NotNull ModelRequest body) {
        return service.updateModel(name, model, body);
    }

    @GET
    @Path("/{name}/circuit-breaker")
    public Uni<CircuitBreakerView> breaker(@PathParam("name") String name) {
        return breakers.breaker(name);
    }

    @RolesAllowed(Roles.PLATFORM_ADMIN)
    @DELETE
    @Path("/{name}/circuit-breaker")
    public Uni<CircuitBreakerView> resetBreaker(@PathParam("name") String name) {
        return breakers.resetBreaker(name);
    }
}
