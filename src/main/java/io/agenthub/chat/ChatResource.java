package io.agenthub.chat;

import java.util.UUID;

import jakarta.validation.Valid;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Size;
import jakarta.ws.rs.BeanParam;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.PATCH;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.sse.OutboundSseEvent;
import jakarta.ws.rs.sse.Sse;

import org.eclipse.microprofile.openapi.annotations.tags.Tag;
import org.jboss.resteasy.reactive.ResponseStatus;
import org.jboss.resteasy.reactive.RestMulti;
import org.jboss.resteasy.reactive.RestResponse;

import io.agenthub.web.IdempotencyKey;
import io.agenthub.web.Page;
import io.agenthub.web.PageRequest;
import io.quarkus.security.Authenticated;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;

@Path("/api/chat/sessions")
@Authenticated
@Produces(MediaType.APPLICATION_JSON)
@Consumes(MediaType.APPLICATION_JSON)
@Tag(name = "Chat")
public class ChatResource {

    private final ChatSessionService service;
    private final ChatTurns turns;
    private final TurnStream streams;

    public ChatResource(ChatSessionService service, ChatTurns turns, TurnStream streams) {
        this.service = service;
        this.turns = turns;
        this.streams = streams;
    }

    @POST
    @ResponseStatus(201)
    public Uni<SessionView> create(@Valid @NotNull CreateSessionRequest body) {
        return service.create(body);
    }

    @GET
    public Uni<Page<SessionView>> list(@QueryParam("archived") Boolean archived, @QueryParam("q") @Size(max = 200) String q,
            @Valid @BeanParam PageRequest page) {
        return service.list(archived, q, page.limit(), page.cursor());
    }

    @GET
    @Path("/{id}")
    public Uni<SessionView> get(@PathParam("id") UUID id) {
        return service.get(id);
    }

    @PATCH
    @Path("/{id}")
    public Uni<SessionView> update(@PathParam("id") UUID id, @Valid @NotNull UpdateSessionRequest body) {
        return service.update(id, body);
    }

    @DELETE
    @Path("/{id}")
    @ResponseStatus(204)
    public Uni<Void> delete(@PathParam("id") UUID id) {
        return service.delete(id);
    }

    @GET
    @Path("/{id}/messages")
    public Uni<Page<MessageView>> messages(@PathParam("id") UUID id, @Valid @BeanParam PageRequest page) {
        return service.messages(id, page.limit(), page.rawCursor());
    }

    /** {@code Accept: text/event-stream}: delta events as tokens arrive, then {@code done} (or {@code error}). */
    @POST
    @Path("/{id}/messages")
    @Produces(MediaType.SERVER_SENT_EVENTS)
    @StreamPreflight.Checked
    public Multi<OutboundSseEvent> stream(@PathParam("id") UUID id, @Valid @NotNull SendMessageRequest body,
            @HeaderParam(IdempotencyKey.HEADER) String idempotencyKey, @Context Sse sse) {
        return RestMulti.fromUniResponse(streams.open(id, body.content(), idempotencyKey),
                events -> events.map(e -> sse.newEventBuilder().name(e.name()).mediaType(MediaType.APPLICATION_JSON_TYPE)
                        .data(e.data()).build()));
    }

    @POST
    @Path("/{id}/messages")
    @Produces(MediaType.APPLICATION_JSON)
    public Uni<RestResponse<ReplyView>> send(@PathParam("id") UUID id, @Valid @NotNull SendMessageRequest body,
            @HeaderParam(IdempotencyKey.HEADER) String idempotencyKey) {
        // Server-Timing lets a caller (and browser dev tools) tell the hub's share from the model's
        return turns.send(id, body.content(), idempotencyKey).map(reply -> RestResponse.ResponseBuilder.ok(reply)
                .header("Server-Timing", "hub;dur=" + reply.hubOverheadMs() + ", upstream;dur=" + reply.latencyMs())
                .build());
    }
}
