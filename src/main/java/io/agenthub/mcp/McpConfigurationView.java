package io.agenthub.mcp;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/** A configuration as clients see it: env and header values are write-only and shown masked. */
public record McpConfigurationView(UUID id, String scope, UUID organizationId, UUID userId, String name, String description,
        String transport, String url, String command, List<String> args, Map<String, String> env, Map<String, String> headers,
        String authType, OAuthView oauth, boolean enabled, Instant createdAt, Instant updatedAt) {

    static final String MASK = "********";

    /** {@code clientSource}: pre_registered (an administrator's client) or dynamic_registration (Agent Hub's). */
    public record OAuthView(String clientId, String clientSource, boolean clientSecretSet, String scopes, String issuer, String authorizationEndpoint,
            String tokenEndpoint, String revocationEndpoint, String registrationEndpoint, String resource,
            Map<String, String> extraParams) {
    }

    static McpConfigurationView of(McpConfiguration c) {
        OAuthView oauth = "oauth2".equals(c.authType)
                ? new OAuthView(c.oauthClientId, c.oauthClientSource, c.oauthClientSecretEncrypted != null, c.oauthScopes, c.oauthIssuer,
                        c.oauthAuthorizationEndpoint, c.oauthTokenEndpoint, c.oauthRevocationEndpoint,
                        c.oauthRegistrationEndpoint, c.oauthResource, c.oauthExtraParams)
                : null;
        return new McpConfigurationView(c.id, c.isPersonal() ? "personal" : "organization", c.organizationId, c.userId, c.name,
                c.description, c.transport, c.url, c.command, c.args == null ? List.of() : List.of(c.args), mask(c.env), mask(c.headers), c.authType, oauth, c.enabled,
                c.createdAt, c.updatedAt);
    }

    static Map<String, String> mask(Map<String, String> values) {
        Map<String, String> masked = new LinkedHashMap<>();
        if (values != null) {
            values.keySet().forEach(k -> masked.put(k, MASK));
        }
        return masked;
    }
}
