package io.agenthub.oauth;

import java.util.Map;
import java.util.UUID;

import io.agenthub.mcp.McpConfiguration;

/**
 * Who Agent Hub is at an MCP server's authorization server, and where that server's endpoints are:
 * what an authorization, an exchange, a refresh or a revocation needs from a configuration, copied
 * out of the transaction that read it. {@code clientSource}: how the configuration's own client id
 * came to be; {@code mechanism}: which client an authorization uses (once chosen, see
 * {@link OAuthClients#ready}); {@code clientIssuer}: the issuer a registered client belongs to;
 * {@code acceptsMetadataDocuments} and {@code returnsIssuer} (RFC 9207): what discovery found.
 */
record OAuthClient(UUID configId, String mcpUrl, String clientId, String clientSource, String clientIssuer, String scopes,
        String issuer, String authorizationEndpoint, String tokenEndpoint, String revocationEndpoint, String registrationEndpoint,
        String resource, Map<String, String> extraParams, String mechanism, boolean acceptsMetadataDocuments, boolean returnsIssuer) {

    static final String PRE_REGISTERED = "pre_registered";
    static final String METADATA_DOCUMENT = "client_metadata_document";
    static final String DYNAMIC_REGISTRATION = "dynamic_registration";

    static OAuthClient of(McpConfiguration c) {
        String source = c.oauthClientId == null ? null
                : c.oauthClientSource != null ? c.oauthClientSource
                // rows from before sources were kept: a registration endpoint means Agent Hub registered
                : c.oauthRegistrationEndpoint != null ? DYNAMIC_REGISTRATION : PRE_REGISTERED;
        return new OAuthClient(c.id, c.url, c.oauthClientId, source, c.oauthClientIssuer, c.oauthScopes, c.oauthIssuer,
                c.oauthAuthorizationEndpoint, c.oauthTokenEndpoint, c.oauthRevocationEndpoint, c.oauthRegistrationEndpoint,
                c.oauthResource, c.oauthExtraParams == null ? Map.of() : Map.copyOf(c.oauthExtraParams), null, false, false);
    }

    boolean preRegistered() {
        return clientId != null && PRE_REGISTERED.equals(clientSource);
    }

    boolean hasEndpoints() {
        return authorizationEndpoint != null && tokenEndpoint != null;
    }

    /** The discovered endpoints; scopes and resource configured by an administrator stay. */
    OAuthClient discovered(OAuthDiscovery.ServerMetadata m) {
        return new OAuthClient(configId, mcpUrl, clientId, clientSource, clientIssuer, scopes != null ? scopes : m.scopes(),
                m.issuer(), m.authorizationEndpoint(), m.tokenEndpoint(), m.revocationEndpoint(), m.registrationEndpoint(),
                resource != null ? resource : m.resource(), extraParams, mechanism, m.acceptsMetadataDocuments(), m.returnsIssuer());
    }

    /** The configuration's client, registered just now. */
    OAuthClient registeredAs(String newClientId) {
        return new OAuthClient(configId, mcpUrl, newClientId, DYNAMIC_REGISTRATION, issuer, scopes, issuer, authorizationEndpoint,
                tokenEndpoint, revocationEndpoint, registrationEndpoint, resource, extraParams, mechanism, acceptsMetadataDocuments,
                returnsIssuer);
    }

    /** The client an authorization (or a connection's refresh) uses: {@code id} under {@code how}. */
    OAuthClient using(String how, String id) {
        return new OAuthClient(configId, mcpUrl, id, clientSource, clientIssuer, scopes, issuer, authorizationEndpoint, tokenEndpoint,
                revocationEndpoint, registrationEndpoint, resource, extraParams, how, acceptsMetadataDocuments, returnsIssuer);
    }

    /**
     * The same client at the issuer and endpoints a code or a token came from, which a
     * configuration changed since cannot move.
     */
    OAuthClient at(String theIssuer, String theTokenEndpoint, String theRevocationEndpoint) {
        return new OAuthClient(configId, mcpUrl, clientId, clientSource, clientIssuer, scopes, theIssuer, authorizationEndpoint,
                theTokenEndpoint, theRevocationEndpoint, registrationEndpoint, resource, extraParams, mechanism,
                acceptsMetadataDocuments, returnsIssuer);
    }

    /** A registered client of this configuration that belongs to the issuer found now. */
    boolean registeredHere() {
        return clientId != null && (clientIssuer == null || clientIssuer.equals(issuer));
    }

    /** The client a connection's tokens were issued to: as stored with them, or the configuration's for connections from before. */
    OAuthClient issuedTo(String tokenClientId, String tokenMechanism) {
        return tokenClientId == null ? using(clientSource, clientId) : using(tokenMechanism, tokenClientId);
    }

    /** Whether the configuration's secret goes with this client: never for a client metadata document's, a public client. */
    boolean usesConfiguredSecret() {
        return !METADATA_DOCUMENT.equals(mechanism);
    }
}
