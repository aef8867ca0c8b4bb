package io.agenthub.keys;

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

import io.quarkus.security.Authenticated;
import io.agenthub.web.Page;
import io.agenthub.web.PageRequest;
import io.smallrye.mutiny.Uni;

/** An organisation administrator's view of a member's keys (the service decides who may: see ApiKeyService). */
@Path("/api/users/{userId}/api-keys")
@Authenticated
@Produces(MediaType.APPLICATION_JSON)
@Tag(name = "API keys")
public class MemberApiKeyResource {

    private final ApiKeyService service;

    public MemberApiKeyResource(ApiKeyService service) {
        this.service = service;
    }

    @GET
    public Uni<Page<ApiKeyView>> list(@PathParam("userId") UUID userId, @Valid @BeanParam PageRequest page) {
        return service.list(userId, page.limit(), page.cursor());
    }

    @DELETE
    @Path("/{id}")
    @ResponseStatus(204)
    public Uni<Void> revoke(@PathParam("userId") UUID userId, @PathParam("id") UUID id) {
        return service.revoke(userId, id);
    }
}
