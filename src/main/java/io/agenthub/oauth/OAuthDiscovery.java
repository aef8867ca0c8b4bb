package io.agenthub.oauth;

import java.net.URI;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import jakarta.enterprise.context.ApplicationScoped;

import org.jboss.logging.Logger;

import io.agenthub.web.ApiException;
import io.smallrye.mutiny.Uni;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

/**
 * Finds how to authorise against an MCP server that only gave its URL: protected resource
 * metadata (RFC 9728) names the authorization server, whose metadata (RFC 8414, or OpenID
 * discovery) names the endpoints and whether client metadata documents are accepted; a client may
 * be registered (RFC 7591).
 */
@ApplicationScoped
public class OAuthDiscovery {

    private static final Logger LOG = Logger.getLogger(OAuthDiscovery.class);
    private static final String PRM = "the protected resource metadata";
    private static final String ASM = "the authorization server metadata";
    private static final Pattern RESOURCE_METADATA = Pattern.compile("resource_metadata=\"([^\"]+)\"");

    private final OAuthHttp http;
    private final OAuthConfig config;

    public OAuthDiscovery(OAuthHttp http, OAuthConfig config) {
        this.http = http;
        this.config = config;
    }

    /** {@code acceptsMetadataDocuments}: the server said {@code client_id_metadata_document_supported: true}. */
    public record ServerMetadata(String issuer, String authorizationEndpoint, String tokenEndpoint, String registrationEndpoint,
            String revocationEndpoint, String resource, String scopes, boolean acceptsMetadataDocuments,
            boolean returnsIssuer) {
    }

    public record Registration(String clientId, String clientSecret) {
    }

    /**
     * Every way discovery can fail is one answer: which document was missing, refused or invalid,
     * and whether a host answered at all, goes to the log only.
     */
    public Uni<ServerMetadata> discover(String mcpUrl) {
        return discoverOrExplain(mcpUrl).onFailure(OAuthUpstreamException.class).transform(e -> {
            LOG.infof("OAuth discovery for %s failed: %s", mcpUrl, e.getMessage());
            return new OAuthUpstreamException("Agent Hub could not discover how to authorize with " + host(mcpUrl)
                    + ": its OAuth metadata is unreachable, missing or invalid.", null);
        });
    }

    private Uni<ServerMetadata> discoverOrExplain(String mcpUrl) {
        return protectedResourceMetadata(mcpUrl).chain(prm -> {
            String issuer;
            String resource = mcpUrl;
            String scopes = null;
            if (prm == null) {
                // servers without resource metadata: the MCP server's origin is the authorization server
                issuer = origin(mcpUrl);
            } else {
                JsonArray servers = prm.getValue("authorization_servers") instanceof JsonArray a ? a : null;
                if (servers == null || servers.isEmpty() || !(servers.getValue(0) instanceof String)) {
                    throw new OAuthUpstreamException("The protected resource metadata of " + host(mcpUrl)
                            + " names no authorization_servers.", null);
                }
                issuer = servers.getString(0);
                // RFC 9728 section 3.3: metadata naming another resource is not this server's
                if (!(prm.getValue("resource") instanceof String r) || !sameResource(r, mcpUrl)) {
                    throw new OAuthUpstreamException("The protected resource metadata of " + host(mcpUrl)
                            + " is for another resource than " + mcpUrl + ".", null);
                }
                resource = r;
                scopes = prm.getValue("scopes_supported") instanceof JsonArray s ? String.join(" ", s.stream().map(String::valueOf).toList()) : null;
            }
            String finalResource = resource;
            String finalScopes = scopes;
            return authorizationServerMetadata(issuer).map(as -> metadata(issuer, as, finalResource, finalScopes));
        });
    }

    public Uni<Registration> register(String registrationEndpoint) {
        List<String> allowed = config.registrationAllowedHosts();
        String host = host(registrationEndpoint);
        if (!allowed.contains("*") && !allowed.contains(host)) {
            throw ApiException.unprocessable("Dynamic client registration with " + host
                    + " is not allowed; configure a client id for this server.");
        }
        JsonObject request = new JsonObject()
                .put("client_name", config.clientName())
                .put("redirect_uris", new JsonArray().add(config.redirectUri()))
                .put("grant_types", new JsonArray().add("authorization_code").add("refresh_token"))
                .put("response_types", new JsonArray().add("code"))
                .put("token_endpoint_auth_method", "none")
                // its redirect URI is a web page of the front end (OpenID Connect Registration 1.0)
                .put("application_type", "web");
        return http.postJson("the registration endpoint", registrationEndpoint, request).map(answer -> {
            if (!answer.ok()) {
                throw OAuthHttp.unusable("the registration endpoint", registrationEndpoint, "HTTP " + answer.status());
            }
            if (!(answer.body().getValue("client_id") instanceof String clientId) || clientId.isBlank()) {
                throw new OAuthUpstreamException("Dynamic client registration at " + host + " returned no client_id.", null);
            }
            return new Registration(clientId, answer.body().getValue("client_secret") instanceof String s ? s : null);
        });
    }

    private Uni<JsonObject> protectedResourceMetadata(String mcpUrl) {
        return http.get("the MCP server", mcpUrl).chain(response -> {
            String challenge = response.header("WWW-Authenticate");
            if (response.status() == 401 && challenge != null) {
                Matcher m = RESOURCE_METADATA.matcher(challenge);
                if (m.find()) {
                    return http.getJson(PRM, m.group(1)).map(json -> require(json, m.group(1)));
                }
            }
            URI uri = URI.create(mcpUrl);
            String path = uri.getRawPath() == null || uri.getRawPath().equals("/") ? "" : uri.getRawPath();
            String wellKnown = origin(mcpUrl) + "/.well-known/oauth-protected-resource";
            return http.getJson(PRM, wellKnown + path)
                    .chain(json -> json != null || path.isEmpty() ? Uni.createFrom().item(json) : http.getJson(PRM, wellKnown));
        });
    }

    private Uni<JsonObject> authorizationServerMetadata(String issuer) {
        String origin = origin(issuer);
        String rawPath = URI.create(issuer).getRawPath();
        String path = rawPath == null || rawPath.equals("/") ? "" : rawPath.replaceAll("/$", "");
        String oauth = origin + "/.well-known/oauth-authorization-server" + path;
        String openidAppended = origin + path + "/.well-known/openid-configuration";
        String openidInserted = origin + "/.well-known/openid-configuration" + path;
        return http.getJson(ASM, oauth)
                .chain(json -> json != null ? Uni.createFrom().item(json) : http.getJson(ASM, openidAppended))
                .chain(json -> json != null || path.isEmpty() ? Uni.createFrom().item(json) : http.getJson(ASM, openidInserted))
                .map(json -> {
                    if (json == null) {
                        throw new OAuthUpstreamException("The authorization server " + host(issuer)
                                + " publishes no metadata (RFC 8414 or OpenID discovery).", null);
                    }
                    // RFC 8414 section 3.3: a document for another issuer is an attempted mix-up
                    if (!issuer.equals(json.getValue("issuer"))) {
                        throw new OAuthUpstreamException("The authorization server metadata of " + host(issuer)
                                + " names another issuer than " + issuer + ".", null);
                    }
                    return json;
                });
    }

    private static ServerMetadata metadata(String issuer, JsonObject as, String resource, String scopes) {
        String authorization = url(as, "authorization_endpoint", issuer, true);
        String token = url(as, "token_endpoint", issuer, true);
        // the MCP authorization spec: no advertised S256, no authorization (the server may not check PKCE at all)
        if (!(as.getValue("code_challenge_methods_supported") instanceof JsonArray methods) || !methods.contains("S256")) {
            throw new OAuthUpstreamException("The authorization server " + host(issuer)
                    + " does not advertise PKCE S256 (code_challenge_methods_supported).", null);
        }
        return new ServerMetadata(issuer, authorization, token, url(as, "registration_endpoint", issuer, false),
                url(as, "revocation_endpoint", issuer, false), resource, scopes,
                Boolean.TRUE.equals(as.getValue("client_id_metadata_document_supported")),
                Boolean.TRUE.equals(as.getValue("authorization_response_iss_parameter_supported")));
    }

    private static String url(JsonObject metadata, String field, String issuer, boolean required) {
        Object value = metadata.getValue(field);
        if (value == null && !required) {
            return null;
        }
        if (!(value instanceof String s) || !(s.startsWith("https://") || s.startsWith("http://"))) {
            throw new OAuthUpstreamException("The metadata of " + host(issuer) + " has " + (value == null ? "no " : "an invalid ")
                    + field + ".", null);
        }
        return s;
    }

    /** The same URL, whatever a trailing slash or the case of scheme and host. */
    static boolean sameResource(String a, String b) {
        try {
            URI x = URI.create(a.endsWith("/") ? a.substring(0, a.length() - 1) : a).normalize();
            URI y = URI.create(b.endsWith("/") ? b.substring(0, b.length() - 1) : b).normalize();
            return x.getScheme() != null && x.getScheme().equalsIgnoreCase(y.getScheme()) && x.getHost() != null
                    && x.getHost().equalsIgnoreCase(y.getHost()) && x.getPort() == y.getPort()
                    && java.util.Objects.equals(x.getRawPath(), y.getRawPath()) && java.util.Objects.equals(x.getRawQuery(), y.getRawQuery());
        } catch (IllegalArgumentException e) {
            return false;
        }
    }

    private static JsonObject require(JsonObject json, String url) {
        if (json == null) {
            throw new OAuthUpstreamException("The protected resource metadata at " + url + " does not exist.", null);
        }
        return json;
    }

    static String origin(String url) {
        URI uri = URI.create(url);
        return uri.getScheme() + "://" + uri.getRawAuthority();
    }

    private static String host(String url) {
        return OAuthHttp.host(url);
    }
}
