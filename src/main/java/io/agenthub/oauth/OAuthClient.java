package io.agenthub.oauth;

import java.util.Map;
import java.util.UUID;

import io.agenthub.mcp.McpConfiguration;

/**
 * Who Agent Hub is at an MCP server's authorization server, and where that server's endpoints are:
 * what an authorization, an exchange, a refresh or a revocation needs from a configuration, copied
 * out of the transaction that read it.
 */
record OAuthClient(UUID configId, String mcpUrl, String clientId, String scopes, String issuer, String authorizationEndpoint,
        String tokenEndpoint, String revocationEndpoint, String registrationEndpoint, String resource,
        Map<String, String> extraParams) {

    static OAuthClient of(McpConfiguration c) {
        return new OAuthClient(c.id, c.url, c.oauthClientId, c.oauthScopes, c.oauthIssuer, c.oauthAuthorizationEndpoint,
                c.oauthTokenEndpoint, c.oauthRevocationEndpoint, c.oauthRegistrationEndpoint, c.oauthResource,
                c.oauthExtraParams == null ? Map.of() : Map.copyOf(c.oauthExtraParams));
    }

    /** Endpoints to discover, or no client yet (never registered, or the registration was refused and forgotten). */
    boolean needsSetup() {
        return authorizationEndpoint == null || tokenEndpoint == null || clientId == null;
    }

    boolean hasEndpoints() {
        return authorizationEndpoint != null && tokenEndpoint != null;
    }

    /** The discovered endpoints; scopes and resource configured by an administrator stay. */
    OAuthClient discovered(OAuthDiscovery.ServerMetadata m) {
        return new OAuthClient(configId, mcpUrl, clientId, scopes != null ? scopes : m.scopes(), m.issuer(),
                m.authorizationEndpoint(), m.tokenEndpoint(), m.revocationEndpoint(), m.registrationEndpoint(),
                resource != null ? resource : m.resource(), extraParams);
    }

    OAuthClient registeredAs(String newClientId) {
        return new OAuthClient(configId, mcpUrl, newClientId, scopes, issuer, authorizationEndpoint, tokenEndpoint,
                revocationEndpoint, registrationEndpoint, resource, extraParams);
    }
}
