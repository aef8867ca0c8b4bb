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

import io.agenthub.web.ApiException;
import io.agenthub.web.Page;
import io.agenthub.web.PageRequest;
import io.quarkus.security.Authenticated;
import io.quarkus.security.identity.SecurityIdentity;
import io.smallrye.mutiny.Uni;

@Path("/api/me/api-keys")
@Authenticated
@Produces(MediaType.APPLICATION_JSON)
@Tag(name = "API keys")
public class ApiKeyResource {

    private final ApiKeyService service;
    private final SecurityIdentity identity;

    public ApiKeyResource(ApiKeyService service, SecurityIdentity identity) {
        this.service = service;
        this.identity = identity;
    }

    /** With a signed-in session only: a leaked key must not be able to outlive its revocation in a key it made. */
    @POST
    @ResponseStatus(201)
    public Uni<CreatedApiKey> create(@Valid @NotNull CreateApiKeyRequest request) {
        if (Boolean.TRUE.equals(identity.getAttribute(ApiKeys.SIGNED_IN_WITH_KEY))) {
            throw ApiException.forbidden("API keys are made from a signed-in session, not with another API key.");
        }
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
