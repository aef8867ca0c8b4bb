package io.agenthub.oauth;

import java.net.URI;
import java.util.Optional;

import jakarta.enterprise.context.ApplicationScoped;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

/**
 * Agent Hub's OAuth Client ID Metadata Document (draft-ietf-oauth-client-id-metadata-document):
 * its client id is the HTTPS URL the document is served from, and the document says who the
 * client is and where it may be redirected. A public client: no secret, nothing to register.
 */
@ApplicationScoped
public class ClientMetadataDocument {

    /** Where under the public URL the document is served; stable, since it is the client id. */
    public static final String PATH = "/oauth/client-metadata.json";

    private final OAuthConfig config;
    private final Optional<String> url;

    public ClientMetadataDocument(OAuthConfig config) {
        this.config = config;
        this.url = config.publicUrl().map(ClientMetadataDocument::clientId);
    }

    /** The client id, when a public URL is configured. */
    public Optional<String> url() {
        return url;
    }

    public Optional<JsonObject> document() {
        return url.map(clientId -> {
            JsonObject document = new JsonObject()
                    .put("client_id", clientId)
                    .put("client_name", config.clientName())
                    .put("client_uri", config.publicUrl().orElseThrow().replaceAll("/+$", ""))
                    .put("redirect_uris", new JsonArray().add(config.redirectUri()))
                    .put("grant_types", new JsonArray().add("authorization_code").add("refresh_token"))
                    .put("response_types", new JsonArray().add("code"))
                    .put("token_endpoint_auth_method", "none");
            config.logoUri().ifPresent(logo -> document.put("logo_uri", logo));
            return document;
        });
    }

    /**
     * The document's URL from the public base URL. The draft wants an https URL with a path and
     * without fragment or dot segments; anything else would be refused by every authorization
     * server, so it stops the service from starting instead.
     */
    static String clientId(String publicUrl) {
        URI base;
        try {
            base = URI.create(publicUrl.strip().replaceAll("/+$", ""));
        } catch (IllegalArgumentException e) {
            throw new IllegalStateException("agent-hub.oauth.public-url is not a URL: " + publicUrl, e);
        }
        if (!"https".equals(base.getScheme()) || base.getHost() == null || base.getRawFragment() != null
                || base.getRawQuery() != null || (base.getRawPath() != null && base.getRawPath().matches(".*/\\.\\.?(/.*)?"))) {
            throw new IllegalStateException("agent-hub.oauth.public-url must be an https URL without query, fragment or dot "
                    + "segments (client metadata documents are only fetched over HTTPS): " + publicUrl);
        }
        return base + PATH;
    }
}
