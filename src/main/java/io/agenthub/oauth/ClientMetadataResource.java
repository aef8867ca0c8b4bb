package io.agenthub.oauth;

import jakarta.annotation.security.PermitAll;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;

import org.eclipse.microprofile.openapi.annotations.tags.Tag;
import org.jboss.resteasy.reactive.RestResponse;

import io.agenthub.web.ApiException;
import io.vertx.core.json.JsonObject;

/**
 * Serves the client metadata document to authorization servers, which fetch it without
 * credentials whenever they meet Agent Hub's client id; they may cache it for a day.
 */
@Path(ClientMetadataDocument.PATH)
@PermitAll
@Tag(name = "OAuth for MCP servers")
public class ClientMetadataResource {

    private final ClientMetadataDocument document;

    public ClientMetadataResource(ClientMetadataDocument document) {
        this.document = document;
    }

    @GET
    @Produces(MediaType.APPLICATION_JSON)
    public RestResponse<String> document() {
        String body = document.document().map(JsonObject::encode).orElseThrow(() -> ApiException.notFound("Client metadata document")
                .withCode("not_configured", "Agent Hub has no public URL configured (agent-hub.oauth.public-url), so it serves "
                        + "no client metadata document."));
        return RestResponse.ResponseBuilder.ok(body).header("Cache-Control", "public, max-age=86400").build();
    }
}
