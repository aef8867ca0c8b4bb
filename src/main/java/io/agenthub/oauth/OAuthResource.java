package io.agenthub.oauth;

import java.util.UUID;

import jakarta.validation.Valid;
import jakarta.ws.rs.Consumes;
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
import io.quarkus.security.Authenticated;
import io.smallrye.mutiny.Uni;

@Path("/api/mcp/configurations/{id}/oauth")
@Authenticated
@Produces(MediaType.APPLICATION_JSON)
@Tag(name = "OAuth for MCP servers")
public class OAuthResource {

    private final OAuthService service;

    public OAuthResource(OAuthService service) {
        this.service = service;
    }

    @POST
    @Path("/authorize")
    @Consumes(MediaType.APPLICATION_JSON)
    public Uni<AuthorizationView> authorize(@PathParam("id") UUID id, @Valid AuthorizeRequest more) {
        return service.authorize(id, more);
    }

    /** The plain authorization: a POST with no body (and so, often, no Content-Type), as before scopes could be asked for. */
    @POST
    @Path("/authorize")
    @Consumes(MediaType.WILDCARD)
    public Uni<AuthorizationView> authorizeWithoutBody(@PathParam("id") UUID id, String body) {
        if (body != null && !body.isBlank()) {
            throw new ApiException(415, "Unsupported Media Type", "A body for this request is JSON: send it as application/json.");
        }
        return service.authorize(id, null);
    }

    @GET
    public Uni<ConnectionView> status(@PathParam("id") UUID id) {
        return service.status(id);
    }

    @DELETE
    @ResponseStatus(204)
    public Uni<Void> disconnect(@PathParam("id") UUID id) {
        return service.disconnect(id);
    }

}
