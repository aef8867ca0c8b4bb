package io.agenthub.prompts;

import java.util.List;
import java.util.UUID;

import jakarta.validation.Valid;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import jakarta.ws.rs.BeanParam;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.PATCH;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;

import org.eclipse.microprofile.openapi.annotations.tags.Tag;
import org.jboss.resteasy.reactive.ResponseStatus;

import io.agenthub.prompts.SystemPromptRequests.CreateSystemPromptRequest;
import io.agenthub.prompts.SystemPromptRequests.UpdateSystemPromptRequest;
import io.agenthub.web.Page;
import io.agenthub.web.PageRequest;
import io.quarkus.security.Authenticated;
import io.smallrye.mutiny.Uni;

@Path("/api/system-prompts")
@Authenticated
@Produces(MediaType.APPLICATION_JSON)
@Consumes(MediaType.APPLICATION_JSON)
@Tag(name = "System prompts")
public class SystemPromptResource {

    private final SystemPromptService service;

    public SystemPromptResource(SystemPromptService service) {
        this.service = service;
    }

    @GET
    public Uni<Page<SystemPromptView>> list(@QueryParam("scope") @Pattern(regexp = "global|organization|user") String scope,
            @Valid @BeanParam PageRequest page) {
        return service.list(scope, page.limit(), page.cursor());
    }

    @GET
    @Path("/effective")
    public Uni<List<EffectivePrompt>> effective() {
        return service.effective();
    }

    @POST
    @ResponseStatus(201)
    public Uni<SystemPromptView> create(@Valid @NotNull CreateSystemPromptRequest body) {
        return service.create(body);
    }

    @GET
    @Path("/{id}")
    public Uni<SystemPromptView> get(@PathParam("id") UUID id) {
        return service.get(id);
    }

    @PATCH
    @Path("/{id}")
    public Uni<SystemPromptView> update(@PathParam("id") UUID id, @Valid @NotNull UpdateSystemPromptRequest body) {
        return service.update(id, body);
    }

    @DELETE
    @Path("/{id}")
    @ResponseStatus(204)
    public Uni<Void> delete(@PathParam("id") UUID id) {
        return service.delete(id);
    }
}
