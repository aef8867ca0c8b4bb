package io.agenthub.oauth;

import java.util.UUID;

import jakarta.validation.Valid;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;

import org.eclipse.microprofile.openapi.annotations.tags.Tag;
import org.jboss.resteasy.reactive.ResponseStatus;

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
    public Uni<AuthorizationView> authorize(@PathParam("id") UUID id, @Valid AuthorizeRequest more) {
        return service.authorize(id, more);
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
