package io.agenthub.oauth;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;

import org.jboss.logging.Logger;

import io.agenthub.mcp.McpConfiguration;
import io.agenthub.mcp.McpConfigurationService;
import io.agenthub.tenancy.Sql;
import io.agenthub.tenancy.TenantTransactions;
import io.agenthub.web.ApiException;
import io.quarkus.hibernate.reactive.panache.Panache;
import io.smallrye.mutiny.Uni;

/**
 * Makes Agent Hub a client of an MCP server's authorization server: the caller's OAuth
 * configuration, its endpoints discovered, the client chosen (and registered when that is the way),
 * what was found kept on the configuration, and a registration the server refused forgotten.
 * Network calls happen between transactions.
 */
@ApplicationScoped
public class OAuthClients {

    private static final Logger LOG = Logger.getLogger(OAuthClients.class);

    private final TenantTransactions transactions;
    private final McpConfigurationService configurations;
    private final OAuthDiscovery discovery;
    private final TokenCipher cipher;
    private final ClientMetadataDocument metadataDocument;
    private final OAuthConfig config;

    public OAuthClients(TenantTransactions transactions, McpConfigurationService configurations, OAuthDiscovery discovery,
            TokenCipher cipher, ClientMetadataDocument metadataDocument, OAuthConfig config) {
        this.transactions = transactions;
        this.configurations = configurations;
        this.discovery = discovery;
        this.cipher = cipher;
        this.metadataDocument = metadataDocument;
        this.config = config;
    }

    /** The caller's OAuth configuration, or a clear refusal. In the caller's transaction. */
    Uni<McpConfiguration> configuration(UUID configId) {
        return configurations.findVisible(configId).map(c -> {
            if (!"oauth2".equals(c.authType)) {
                throw ApiException.unprocessable("This MCP configuration does not use OAuth.");
            }
            if (!c.enabled) {
                throw ApiException.unprocessable("This MCP configuration is disabled.");
            }
            return c;
        });
    }

    /** The client of a configuration the caller may use, as stored. In the caller's transaction. */
    Uni<OAuthClient> stored(UUID configId) {
        return configuration(configId).map(OAuthClient::of);
    }

    /**
     * The client to authorize with, chosen in the order the MCP authorization spec asks for: the
     * client an administrator registered for this server; else Agent Hub's client metadata document
     * where the server accepts them; else a client registered dynamically (the one registered before,
     * or a new one); else a refusal that says what the server supports and what to provide. The
     * server's metadata is read every time, so a server that starts accepting documents, or stops
     * registering, is followed without anyone cleaning up.
     */
    Uni<OAuthClient> ready(OAuthClient client) {
        if (client.preRegistered()) {
            return (client.hasEndpoints() ? Uni.createFrom().item(client) : discovery.discover(client.mcpUrl()).map(client::discovered))
                    .map(c -> c.using(OAuthClient.PRE_REGISTERED, c.clientId()));
        }
        Uni<OAuthClient> discovered = discovery.discover(client.mcpUrl()).map(client::discovered);
        if (client.hasEndpoints()) {
            // endpoints an administrator configured for a server that publishes no metadata
            discovered = discovered.onFailure(OAuthUpstreamException.class).recoverWithItem(client);
        }
        return discovered.chain(c -> {
            if (c.acceptsMetadataDocuments() && metadataDocument.url().isPresent()) {
                return Uni.createFrom().item(c.using(OAuthClient.METADATA_DOCUMENT, metadataDocument.url().get()));
            }
            if (c.registrationEndpoint() != null) {
                // a client is registered per issuer (MCP authorization, 2026-07-28): another one registers again
                if (c.registeredHere()) {
                    return Uni.createFrom().item(c.using(OAuthClient.DYNAMIC_REGISTRATION, c.clientId()));
                }
                return discovery.register(c.registrationEndpoint()).chain(registration -> transactions.inTransaction(
                        () -> Panache.getSession().chain(s -> cipher.storeClientSecret(s, c.configId(), registration.clientSecret())))
                        .replaceWith(c.registeredAs(registration.clientId())
                                .using(OAuthClient.DYNAMIC_REGISTRATION, registration.clientId())));
            }
            throw noClient(c);
        });
    }

    /** What the server supports and what the user must provide, when no client can be had. */
    private ApiException noClient(OAuthClient c) {
        List<String> supported = new ArrayList<>();
        if (c.acceptsMetadataDocuments()) {
            supported.add(OAuthClient.METADATA_DOCUMENT);
        }
        String server = OAuthHttp.host(c.authorizationEndpoint());
        String detail = c.acceptsMetadataDocuments()
                ? "The authorization server " + server + " accepts client metadata documents, but Agent Hub has no public URL to "
                        + "serve one from (agent-hub.oauth.public-url), and it offers no dynamic client registration. Configure the "
                        + "public URL, or register Agent Hub with the server and set its client id (and secret) on this MCP configuration."
                : "The authorization server " + server + " neither accepts client metadata documents nor offers dynamic client "
                        + "registration. Register Agent Hub with it (redirect URI " + config.redirectUri() + ") and set the client id "
                        + "(and secret, for a confidential client) on this MCP configuration.";
        Map<String, Object> extensions = new LinkedHashMap<>();
        extensions.put("serverSupports", supported);
        extensions.put("provide", List.of("oauth.clientId", "oauth.clientSecret"));
        extensions.put("redirectUri", config.redirectUri());
        return ApiException.unprocessable(detail, extensions).withCode("client_required", detail);
    }

    /**
     * Keeps what discovery and registration found on the configuration. A client registered
     * dynamically is kept for the next authorization; a client metadata document's id, being
     * Agent Hub's own URL, is never stored as the configuration's. In the caller's transaction.
     */
    Uni<Void> remember(OAuthClient client) {
        return configurations.findVisible(client.configId()).invoke(c -> {
            if (OAuthClient.DYNAMIC_REGISTRATION.equals(client.mechanism())) {
                c.oauthClientId = client.clientId();
                c.oauthClientSource = OAuthClient.DYNAMIC_REGISTRATION;
                c.oauthClientIssuer = client.clientIssuer();
            }
            c.oauthIssuer = client.issuer();
            c.oauthAuthorizationEndpoint = client.authorizationEndpoint();
            c.oauthTokenEndpoint = client.tokenEndpoint();
            c.oauthRevocationEndpoint = client.revocationEndpoint();
            c.oauthRegistrationEndpoint = client.registrationEndpoint();
            c.oauthResource = client.resource();
            if (c.oauthScopes == null) {
                c.oauthScopes = client.scopes();
            }
        }).replaceWithVoid();
    }

    /** The authorization server answered that it does not know the client. */
    static boolean refused(Throwable e) {
        return e instanceof OAuthUpstreamException u && "invalid_client".equals(u.oauthError());
    }

    /**
     * The authorization server refused the stored client (it forgot a registration, say): when the
     * server offers registration, the next authorization registers anew instead of sending the
     * refused id for ever. A client id an administrator configured stays, for them to correct. Runs as the system: the configuration may be the
     * organisation's, which the user cannot change.
     */
    Uni<Void> forgetRegistration(UUID configId) {
        return transactions.asSystem(() -> Sql.update("""
                UPDATE mcp_configurations
                SET oauth_client_id = NULL, oauth_client_secret_encrypted = NULL, oauth_key_id = NULL, oauth_client_source = NULL,
                    oauth_client_issuer = NULL
                WHERE id = $1 AND oauth_registration_endpoint IS NOT NULL
                  AND oauth_client_source IS DISTINCT FROM 'pre_registered'""", configId))
                .invoke(n -> LOG.infof("MCP configuration %s: the authorization server refused its client; %s", configId,
                        n == 1 ? "it registers again at the next authorization" : "the configured client id stays"))
                .replaceWithVoid();
    }
}
