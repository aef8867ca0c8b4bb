package io.agenthub.oauth;

import java.net.URI;

import jakarta.ws.rs.GET;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.UriBuilder;

import org.eclipse.microprofile.openapi.annotations.tags.Tag;

import io.agenthub.web.ApiException;
import io.quarkus.security.Authenticated;
import io.smallrye.mutiny.Uni;

/** Where the authorization server sends the user back, relayed by the front-end with the user's token. */
@Path("/api/oauth/callback")
@Authenticated
@Produces(MediaType.APPLICATION_JSON)
@Tag(name = "OAuth for MCP servers")
public class OAuthCallbackResource {

    private final OAuthService service;
    private final OAuthConfig config;

    public OAuthCallbackResource(OAuthService service, OAuthConfig config) {
        this.service = service;
        this.config = config;
    }

    /** JSON when asked for (or without a front-end), otherwise a redirect to the front-end with the outcome. */
    @GET
    public Uni<Response> callback(@QueryParam("state") String state, @QueryParam("code") String code,
            @QueryParam("error") String error, @QueryParam("iss") String iss, @HeaderParam("Accept") String accept) {
        boolean json = config.frontendRedirect().isEmpty() || (accept != null && accept.contains(MediaType.APPLICATION_JSON));
        Uni<ConnectionView> outcome = service.callback(state, code, error, iss);
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
