package io.agenthub.openai;

import jakarta.validation.Valid;
import jakarta.validation.constraints.NotNull;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;

import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.parameters.Parameter;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;
import org.jboss.resteasy.reactive.RestMulti;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.agenthub.web.IdempotencyKey;
import io.quarkus.security.Authenticated;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;
import io.vertx.core.buffer.Buffer;

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
    private final ObjectMapper mapper;

    public OpenAiResource(CompletionService service, ObjectMapper mapper) {
        this.service = service;
        this.mapper = mapper;
    }

    @GET
    @Path("/models")
    public Uni<ModelList> models() {
        return service.models();
    }

    /**
     * JSON, or with {@code stream: true} OpenAI's event stream. One method answers both, as OpenAI's
     * does, because the body, not the Accept header, says which: the response is written as it is
     * produced, with its own content type. Nothing is written before the first item, so what fails
     * before it (an unknown model, a provider that refuses) is still a plain error response.
     */
    @POST
    @Path("/chat/completions")
    @Consumes(MediaType.APPLICATION_JSON)
    @Produces(MediaType.APPLICATION_JSON)
    @APIResponse(responseCode = "200", description = "A chat completion, or its chunk events when the request says stream: true",
            content = { @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = ChatCompletion.class)),
                    @Content(mediaType = MediaType.SERVER_SENT_EVENTS, schema = @Schema(implementation = ChatCompletionChunk.class)) })
    public RestMulti<Buffer> complete(@Valid @NotNull ChatCompletionRequest body,
            @Parameter(description = "A chat session of the caller's, talking to the model asked for: the request's new messages "
                    + "(those after its last assistant message) and the reply are stored in it")
            @HeaderParam(CompletionService.SESSION_HEADER) String session,
            @Parameter(description = "Sent again with the same request, the first answer is replayed instead of calling the model "
                    + "again; with another request, a 422")
            @HeaderParam(IdempotencyKey.HEADER) String idempotencyKey) {
        if (body.streamed()) {
            return RestMulti.fromMultiData(Multi.createFrom().uni(service.stream(body, session, idempotencyKey)).onItem()
                    .transformToMultiAndConcatenate(events -> events.map(Buffer::buffer)))
                    .encodeAsJsonArray(false).header("Content-Type", MediaType.SERVER_SENT_EVENTS).header("Cache-Control", "no-cache")
                    .header("X-Accel-Buffering", "no").build();
        }
        return RestMulti.fromMultiData(Multi.createFrom().uni(service.complete(body, session, idempotencyKey).map(this::json))).encodeAsJsonArray(false).build();
    }

    private Buffer json(ChatCompletion completion) {
        try {
            return Buffer.buffer(mapper.writeValueAsBytes(completion));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }
}
