package io.agenthub.oauth;

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
 * configuration, its endpoints discovered and its client registered when missing, both kept on the
 * configuration so the next flow skips them, and a registration the server refused forgotten.
 * Network calls happen between transactions.
 */
@ApplicationScoped
public class OAuthClients {

    private static final Logger LOG = Logger.getLogger(OAuthClients.class);

    private final TenantTransactions transactions;
    private final McpConfigurationService configurations;
    private final OAuthDiscovery discovery;
    private final TokenCipher cipher;

    public OAuthClients(TenantTransactions transactions, McpConfigurationService configurations, OAuthDiscovery discovery,
            TokenCipher cipher) {
        this.transactions = transactions;
        this.configurations = configurations;
        this.discovery = discovery;
        this.cipher = cipher;
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

    /** A client ready to authorize with: endpoints discovered and a client registered where they are missing. */
    Uni<OAuthClient> ready(OAuthClient client) {
        if (!client.needsSetup()) {
            return Uni.createFrom().item(client);
        }
        Uni<OAuthClient> withEndpoints = client.hasEndpoints() ? Uni.createFrom().item(client)
                : discovery.discover(client.mcpUrl()).map(client::discovered);
        return withEndpoints.chain(c -> {
            if (c.clientId() != null) {
                return Uni.createFrom().item(c);
            }
            if (c.registrationEndpoint() == null) {
                throw ApiException.unprocessable("The authorization server supports no dynamic registration; configure a client id.");
            }
            return discovery.register(c.registrationEndpoint()).chain(registration -> transactions.inTransaction(
                    () -> Panache.getSession().chain(s -> cipher.storeClientSecret(s, c.configId(), registration.clientSecret())))
                    .replaceWith(c.registeredAs(registration.clientId())));
        });
    }

    /** Keeps what discovery and registration found on the configuration. In the caller's transaction. */
    Uni<Void> remember(OAuthClient client) {
        return configurations.findVisible(client.configId()).invoke(c -> {
            c.oauthClientId = client.clientId();
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
     * refused id for ever. A client id an administrator configured for a server without
     * registration stays, for them to correct. Runs as the system: the configuration may be the
     * organisation's, which the user cannot change.
     */
    Uni<Void> forgetRegistration(UUID configId) {
        return transactions.asSystem(() -> Sql.update("""
                UPDATE mcp_configurations
                SET oauth_client_id = NULL, oauth_client_secret_encrypted = NULL, oauth_key_id = NULL
                WHERE id = $1 AND oauth_registration_endpoint IS NOT NULL""", configId))
                .invoke(n -> LOG.infof("MCP configuration %s: the authorization server refused its client; %s", configId,
                        n == 1 ? "it registers again at the next authorization" : "the configured client id stays"))
                .replaceWithVoid();
    }
}
