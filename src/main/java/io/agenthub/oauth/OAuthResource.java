package io.agenthub.oauth;

import java.net.URI;
import java.util.UUID;

import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.UriBuilder;

import org.eclipse.microprofile.openapi.annotations.tags.Tag;
import org.jboss.resteasy.reactive.ResponseStatus;

import io.agenthub.oauth.OAuthViews.AuthorizationView;
import io.agenthub.oauth.OAuthViews.ConnectionView;
import io.agenthub.web.ApiException;
import io.quarkus.security.Authenticated;
import io.smallrye.mutiny.Uni;

@Path("/api")
@Authenticated
@Produces(MediaType.APPLICATION_JSON)
@Tag(name = "OAuth for MCP servers")
public class OAuthResource {

    private final OAuthService service;
    private final OAuthConfig config;

    public OAuthResource(OAuthService service, OAuthConfig config) {
        this.service = service;
        this.config = config;
    }

    @POST
    @Path("/mcp/configurations/{id}/oauth/authorize")
    public Uni<AuthorizationView> authorize(@PathParam("id") UUID id) {
        return service.authorize(id);
    }

    @GET
    @Path("/mcp/configurations/{id}/oauth")
    public Uni<ConnectionView> status(@PathParam("id") UUID id) {
        return service.status(id);
    }

    @DELETE
    @Path("/mcp/configurations/{id}/oauth")
    @ResponseStatus(204)
    public Uni<Void> disconnect(@PathParam("id") UUID id) {
        return service.disconnect(id);
    }

    /** JSON when asked for (or without a front-end), otherwise a redirect to the front-end with the outcome. */
    @GET
    @Path("/oauth/callback")
    public Uni<Response> callback(@QueryParam("state") String state, @QueryParam("code") String code,
            @QueryParam("error") String error, @HeaderParam("Accept") String accept) {
        boolean json = config.frontendRedirect().isEmpty() || (accept != null && accept.contains(MediaType.APPLICATION_JSON));
        Uni<ConnectionView> outcome = service.callback(state, code, error);
        if (json) {
            return outcome.map(view -> Response.ok(view).build());
        }
        String frontend = config.frontendRedirect().get();
        return outcome.map(view -> redirect(frontend, "connected", view.configurationId().toString(), null))
                .onFailure(ApiException.class).recoverWithItem(e -> redirect(frontend, "failed", null,
                        e instanceof OAuthUpstreamException u && u.oauthError() != null ? u.oauthError() : "invalid_request"));
    }

    private static Response redirect(String frontend, String status, String configurationId, String error) {
        UriBuilder uri = UriBuilder.fromUri(URI.create(frontend)).queryParam("status", status);
        if (configurationId != null) {
            uri.queryParam("configurationId", configurationId);
        }
        if (error != null) {
            uri.queryParam("error", error);
        }
        return Response.seeOther(uri.build()).build();
    }
}
