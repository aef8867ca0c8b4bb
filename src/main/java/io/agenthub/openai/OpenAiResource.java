package io.agenthub.openai;

import jakarta.validation.Valid;
import jakarta.validation.constraints.NotNull;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;

import org.eclipse.microprofile.openapi.annotations.tags.Tag;

import io.quarkus.security.Authenticated;
import io.smallrye.mutiny.Uni;

/**
 * OpenAI's chat completions API, for the clients people already use (the OpenAI SDKs, coding
 * agents, LangChain): the same bearer tokens as {@code /api}, models named {@code agent/model},
 * and errors in OpenAI's shape.
 */
@Path("/v1")
@Authenticated
@Produces(MediaType.APPLICATION_JSON)
@Tag(name = "OpenAI-compatible")
public class OpenAiResource {

    private final CompletionService service;

    public OpenAiResource(CompletionService service) {
        this.service = service;
    }

    @GET
    @Path("/models")
    public Uni<ModelList> models() {
        return service.models();
    }

    @POST
    @Path("/chat/completions")
    @Consumes(MediaType.APPLICATION_JSON)
    public Uni<ChatCompletion> complete(@Valid @NotNull ChatCompletionRequest body) {
        return service.complete(body);
    }
}
