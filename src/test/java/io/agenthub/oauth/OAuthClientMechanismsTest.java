package io.agenthub.oauth;

import static io.agenthub.oauth.OAuthFlowTest.authorize;
import static io.agenthub.oauth.OAuthFlowTest.callback;
import static io.agenthub.oauth.OAuthFlowTest.oauthConfiguration;
import static io.agenthub.oauth.OAuthFlowTest.state;
import static io.agenthub.testing.Database.update;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.hamcrest.Matchers.contains;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.startsWith;

import java.net.URI;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import io.agenthub.testing.Api;
import io.agenthub.testing.Database;
import io.agenthub.testing.Database.Caller;
import io.agenthub.testing.FakeOAuthServers;
import io.agenthub.testing.InjectFake;
import io.agenthub.testing.Tokens;
import io.quarkus.test.common.TestResourceScope;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.RestAssured;

/**
 * How Agent Hub is a client of each authorization server, in the MCP authorization spec's order:
 * an administrator's pre-registered client, its client metadata document (which the fake server
 * fetches over TLS from the service and validates), dynamic registration, or a clear request for a
 * client; and connections whose scopes grow.
 */
@QuarkusTest
@WithTestResource(value = FakeOAuthServers.class, scope = TestResourceScope.GLOBAL)
class OAuthClientMechanismsTest {

    @InjectFake
    FakeOAuthServers fake;

    Api user;

    @BeforeEach
    void signIn() {
        fake.reset();
        user = Api.signIn(Tokens.unique("mechanisms-user"), Tokens.unique("mechanisms-org"), "owner");
    }

    @AfterEach
    void serverAsBefore() {
        fake.reset();
    }

    String documentUrl() {
        return "https://localhost:" + fake.httpsPort() + ClientMetadataDocument.PATH;
    }

    Map<String, String> query(String url) {
        return FakeOAuthServers.query(URI.create(url).getRawQuery());
    }

    /** Makes the connection's token due, then uses it: the service refreshes it first. */
    void refreshThroughUse(String configId) throws Exception {
        Database.as(Caller.system(), c -> update(c, "UPDATE mcp_oauth_tokens SET expires_at = now() WHERE mcp_configuration_id = ?::uuid",
                configId));
        int before = fake.refreshCalls.get();
        String header = user.request().get("/api/mcp/configurations/effective/export?includeSecrets=true").then().statusCode(200)
                .extract().path("mcpServers.find { it.value.url == '" + fake.mcpUrl + "' }.value.headers.Authorization");
        assertThat(header).startsWith("Bearer fake-access-");
        assertThat(fake.refreshCalls.get()).isEqualTo(before + 1);
    }

    @Test
    void theClientMetadataDocumentIsServedOverHttpsAsTheDraftAsksWithoutSignIn() {
        String body = RestAssured.given().relaxedHTTPSValidation().baseUri("https://localhost").port(fake.httpsPort())
                .get(ClientMetadataDocument.PATH).then().statusCode(200).contentType("application/json")
                .header("Cache-Control", containsString("max-age="))
                .body("client_id", equalTo(documentUrl()))
                .body("client_name", equalTo("Agent Hub"))
                .body("redirect_uris", contains(ConfigProviderRedirect.value()))
                .body("grant_types", contains("authorization_code", "refresh_token"))
                .body("token_endpoint_auth_method", equalTo("none"))
                .extract().asString();
        assertThat(body).doesNotContain("client_secret");
    }

    @Test
    void aPublicUrlADocumentCannotLiveUnderStopsTheService() {
        assertThat(ClientMetadataDocument.clientId("https://hub.example.com/")).isEqualTo("https://hub.example.com" + ClientMetadataDocument.PATH);
        assertThat(ClientMetadataDocument.clientId("https://hub.example.com/agents")).isEqualTo("https://hub.example.com/agents"
                + ClientMetadataDocument.PATH);
        for (String wrong : List.of("http://hub.example.com", "https://hub.example.com/?x=1", "https://hub.example.com/#top",
                "https://hub.example.com/a/../b", "hub.example.com")) {
            assertThatThrownBy(() -> ClientMetadataDocument.clientId(wrong)).as(wrong).isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("agent-hub.oauth.public-url");
        }
    }

    @Test
    void aServerThatAcceptsOnlyDocumentsFetchesAgentHubsOverTls() throws Exception {
        fake.offersRegistration = false;
        fake.acceptsMetadataDocuments = true;
        int registrations = fake.registrations.get();
        String configId = oauthConfiguration(user, fake.mcpUrl);

        String url = user.request().post("/api/mcp/configurations/" + configId + "/oauth/authorize").then().statusCode(200)
                .body("clientMechanism", equalTo("client_metadata_document")).extract().path("authorizationUrl");
        assertThat(query(url).get("client_id")).isEqualTo(documentUrl());
        callback(user, state(url), fake.approve(url)).then().statusCode(200).body("connected", equalTo(true))
                .body("clientMechanism", equalTo("client_metadata_document")).body("grantedScopes", contains("files:read"));
        assertThat(fake.documentsFetched).hasSize(1);
        assertThat(fake.documentsFetched.get(0).get("client_id")).isEqualTo(documentUrl());
        assertThat(fake.registrations.get()).isEqualTo(registrations);
        // the document's id is Agent Hub's own URL: it is never kept as the configuration's client
        user.request().get("/api/mcp/configurations/" + configId).then().statusCode(200).body("oauth.clientId", equalTo(null));
        // the refresh goes as the same public client (the fake binds refresh tokens to their client)
        refreshThroughUse(configId);
        Database.probe(Caller.system(), c -> {
            assertThat(Database.count(c, """
                    SELECT count(*) FROM audit_logs WHERE action = 'oauth.connect' AND resource_id = ?
                      AND details->>'clientMechanism' = 'client_metadata_document'""", configId)).isEqualTo(1);
            return null;
        });
    }

    @Test
    void aServerThatOnlyRegistersGetsARegistration() {
        int registrations = fake.registrations.get();
        String configId = oauthConfiguration(user, fake.mcpUrl);
        String url = user.request().post("/api/mcp/configurations/" + configId + "/oauth/authorize").then().statusCode(200)
                .body("clientMechanism", equalTo("dynamic_registration")).extract().path("authorizationUrl");
        assertThat(query(url).get("client_id")).startsWith("client-");
        callback(user, state(url), fake.approve(url)).then().statusCode(200).body("clientMechanism", equalTo("dynamic_registration"));
        assertThat(fake.registrations.get()).isEqualTo(registrations + 1);
        assertThat(fake.documentsFetched).isEmpty();
        user.request().get("/api/mcp/configurations/" + configId).then().statusCode(200)
                .body("oauth.clientSource", equalTo("dynamic_registration"));
    }

    @Test
    void aServerWithNeitherAsksForAClientAndAPreRegisteredOneWorksWithItsSecret() throws Exception {
        fake.offersRegistration = false;
        String configId = oauthConfiguration(user, fake.mcpUrl);
        user.request().post("/api/mcp/configurations/" + configId + "/oauth/authorize").then().statusCode(422)
                .contentType("application/problem+json")
                .body("code", equalTo("client_required"))
                .body("detail", containsString("neither accepts client metadata documents nor offers dynamic client registration"))
                .body("provide", contains("oauth.clientId", "oauth.clientSecret"))
                .body("redirectUri", equalTo(ConfigProviderRedirect.value()));

        String clientId = "hub-" + System.nanoTime();
        fake.preRegister(clientId, "s3cretvalue");
        user.request().body(Map.of("oauth", Map.of("clientId", clientId, "clientSecret", "s3cretvalue")))
                .patch("/api/mcp/configurations/" + configId).then().statusCode(200)
                .body("oauth.clientSource", equalTo("pre_registered")).body("oauth.clientSecretSet", equalTo(true))
                .body(org.hamcrest.Matchers.not(containsString("s3cretvalue")));
        // a pre-registered client comes first, even where the server also takes documents
        fake.acceptsMetadataDocuments = true;
        String url = authorize(user, configId);
        assertThat(query(url).get("client_id")).isEqualTo(clientId);
        callback(user, state(url), fake.approve(url)).then().statusCode(200).body("clientMechanism", equalTo("pre_registered"));
        refreshThroughUse(configId);
        Database.probe(Caller.system(), c -> {
            assertThat(Database.count(c, """
                    SELECT count(*) FROM mcp_configurations WHERE id = ?::uuid AND oauth_client_secret_encrypted IS NOT NULL
                      AND position(convert_to('s3cretvalue', 'UTF8') IN oauth_client_secret_encrypted) = 0""", configId)).isEqualTo(1);
            return null;
        });
    }

    @Test
    void aServerThatStartsAcceptingDocumentsIsFollowedAndOldTokensKeepTheirClient() throws Exception {
        String configId = oauthConfiguration(user, fake.mcpUrl);
        String first = authorize(user, configId);
        String registered = query(first).get("client_id");
        callback(user, state(first), fake.approve(first)).then().statusCode(200).body("clientMechanism", equalTo("dynamic_registration"));

        fake.acceptsMetadataDocuments = true;
        // the connection made with the registered client still refreshes as that client
        refreshThroughUse(configId);
        String second = authorize(user, configId);
        assertThat(query(second).get("client_id")).isEqualTo(documentUrl()).isNotEqualTo(registered);
        callback(user, state(second), fake.approve(second)).then().statusCode(200)
                .body("clientMechanism", equalTo("client_metadata_document"));
        refreshThroughUse(configId);
    }

    @Test
    void aDocumentTheServerRefusesLeavesTheConnectionAsItWas() throws Exception {
        String configId = oauthConfiguration(user, fake.mcpUrl);
        String first = authorize(user, configId);
        callback(user, state(first), fake.approve(first)).then().statusCode(200);

        fake.acceptsMetadataDocuments = true;
        fake.sameOriginRedirectsOnly = true;
        String refused = authorize(user, configId);
        assertThatThrownBy(() -> fake.approve(refused)).hasMessageContaining("invalid_request")
                .hasMessageContaining("redirect_uri " + ConfigProviderRedirect.value())
                .hasMessageContaining("does not share the origin of client_id " + documentUrl());
        assertThat(fake.documentsFetched).hasSize(1);
        // no code came back: the working connection is untouched and still refreshes
        user.request().get("/api/mcp/configurations/" + configId + "/oauth").then().statusCode(200)
                .body("connected", equalTo(true)).body("clientMechanism", equalTo("dynamic_registration"));
        refreshThroughUse(configId);
    }

    @Test
    void anInsufficientScopeChallengeGrowsTheConnectionWithoutDroppingItsToken() throws Exception {
        String configId = oauthConfiguration(user, fake.mcpUrl);
        String first = authorize(user, configId);
        callback(user, state(first), fake.approve(first)).then().statusCode(200).body("grantedScopes", contains("files:read"));

        String challenge = "Bearer error=\"insufficient_scope\", scope=\"files:read files:write\", "
                + "resource_metadata=\"" + fake.mcpUrl + "\", error_description=\"writing needs files:write\"";
        String more = user.request().body(Map.of("challenge", challenge))
                .post("/api/mcp/configurations/" + configId + "/oauth/authorize").then().statusCode(200)
                .body("requestedScopes", contains("files:read", "files:write")).extract().path("authorizationUrl");
        assertThat(query(more).get("scope")).isEqualTo("files:read files:write");
        // until the user comes back, the connection keeps working with what it has
        user.request().get("/api/mcp/configurations/" + configId + "/oauth").then().statusCode(200)
                .body("connected", equalTo(true)).body("grantedScopes", contains("files:read"));
        String header = user.request().get("/api/mcp/configurations/effective/export?includeSecrets=true").then().statusCode(200)
                .extract().path("mcpServers.find { it.value.url == '" + fake.mcpUrl + "' }.value.headers.Authorization");
        assertThat(header).startsWith("Bearer fake-access-");

        callback(user, state(more), fake.approve(more)).then().statusCode(200)
                .body("grantedScopes", contains("files:read", "files:write"));
        // scopes given by name add to what the connection holds
        user.request().body(Map.of("scopes", "admin:read")).post("/api/mcp/configurations/" + configId + "/oauth/authorize").then()
                .statusCode(200).body("requestedScopes", contains("files:read", "files:write", "admin:read"));
        Database.probe(Caller.system(), c -> {
            assertThat(Database.count(c, """
                    SELECT count(*) FROM audit_logs WHERE action = 'oauth.connect' AND resource_id = ?
                      AND details->>'previousScope' = 'files:read' AND details->>'scope' = 'files:read files:write'""", configId))
                    .isEqualTo(1);
            return null;
        });
    }

    @Test
    void whatIsNotAChallengeOrAScopeIsRefusedByName() {
        String configId = oauthConfiguration(user, fake.mcpUrl);
        String path = "/api/mcp/configurations/" + configId + "/oauth/authorize";
        user.request().body(Map.of("challenge", "Bearer error=\"invalid_token\"")).post(path).then().statusCode(400)
                .body("errors.field", hasItem("challenge"));
        user.request().body(Map.of("challenge", "Basic realm=\"x\"")).post(path).then().statusCode(400)
                .body("errors.field", hasItem("challenge"));
        user.request().body(Map.of("scopes", "files:read \"quoted\"")).post(path).then().statusCode(400)
                .body("errors.field", hasItem("scopes"));
        assertThat(fake.documentsFetched).isEmpty();
    }

    /** The redirect URI the service is configured with, as authorization servers see it. */
    static final class ConfigProviderRedirect {
        static String value() {
            return org.eclipse.microprofile.config.ConfigProvider.getConfig().getValue("agent-hub.oauth.redirect-uri", String.class);
        }
    }
}
