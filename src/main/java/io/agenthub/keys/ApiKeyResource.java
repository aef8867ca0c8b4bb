package io.agenthub.keys;

import java.util.UUID;

import jakarta.validation.Valid;
import jakarta.validation.constraints.NotNull;
import jakarta.ws.rs.BeanParam;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
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

@Path("/api/me/api-keys")
@Authenticated
@Produces(MediaType.APPLICATION_JSON)
@Tag(name = "API keys")
public class ApiKeyResource {

    private final ApiKeyService service;

    public ApiKeyResource(ApiKeyService service) {
        this.service = service;
    }

    @POST
    @ResponseStatus(201)
    public Uni<CreatedApiKey> create(@Valid @NotNull CreateApiKeyRequest request) {
        return service.create(request);
    }

    @GET
    public Uni<Page<ApiKeyView>> mine(@Valid @BeanParam PageRequest page) {
        return service.list(null, page.limit(), page.cursor());
    }

    @DELETE
    @Path("/{id}")
    @ResponseStatus(204)
    public Uni<Void> revokeMine(@PathParam("id") UUID id) {
        return service.revoke(null, id);
    }
}
