package io.agenthub.oauth;

import static io.agenthub.testing.Database.update;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.equalTo;

import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import io.agenthub.testing.Api;
import io.agenthub.testing.Database;
import io.agenthub.testing.Database.Caller;
import io.agenthub.testing.FakeOAuthServers;
import io.agenthub.testing.InjectFake;
import io.agenthub.testing.ScriptedServer;
import io.agenthub.testing.Tokens;
import io.quarkus.test.common.TestResourceScope;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;

/**
 * A user's tokens go only to the server that issued them; an authorization answers only from the
 * server it was sent to; metadata is believed only when it is about the server asked.
 */
@QuarkusTest
@WithTestResource(value = FakeOAuthServers.class, scope = TestResourceScope.GLOBAL)
class TokensStayWithTheirIssuerTest {

    @InjectFake
    FakeOAuthServers fake;

    @AfterEach
    void reset() {
        fake.reset();
    }

    private static String orgConfiguration(Api admin, String url) {
        return admin.request().body(Map.of("scope", "organization", "name", Tokens.unique("shared"), "transport", "http", "url", url,
                "authType", "oauth2")).post("/api/mcp/configurations").then().statusCode(201).extract().path("id");
    }

    private static void connectTo(Api user, String configId, FakeOAuthServers fake) {
        String url = OAuthFlowTest.authorize(user, configId);
        OAuthFlowTest.callback(user, OAuthFlowTest.state(url), fake.approve(url)).then().statusCode(200).body("connected", equalTo(true));
    }

    @Test
    void anAdministratorMovingTheTokenEndpointDisconnectsEveryoneAndReceivesNothing() throws Exception {
        String org = Tokens.unique("bound-org");
        Api admin = Api.signIn(Tokens.unique("admin"), org, "admin");
        Api member = Api.signIn(Tokens.unique("member"), org, "member");
        String configId = orgConfiguration(admin, fake.mcpUrl);
        connectTo(member, configId, fake);
        try (var theirs = new ScriptedServer("127.0.0.1")) {
            admin.request().body(Map.of("oauth", Map.of("tokenEndpoint", theirs.origin() + "/token",
                    "revocationEndpoint", theirs.origin() + "/revoke"))).patch("/api/mcp/configurations/" + configId).then()
                    .statusCode(200);
            member.request().get("/api/mcp/configurations/" + configId + "/oauth").then().statusCode(200)
                    .body("status", equalTo("not_connected"));
            assertThat(theirs.requests).hasValue(0);
        }
        long resets = Database.countAsSystem("SELECT count(*) FROM audit_logs WHERE resource_id = ? "
                + "AND action = 'mcp_configuration.update' AND details->>'oauth' IS NOT NULL", configId);
        assertThat(resets).as("audited resets").isEqualTo(1);
    }

    @Test
    void refreshAndRevocationGoWhereTheTokensCameFromWhateverTheConfigurationSaysNow() throws Exception {
        String org = Tokens.unique("sticky-org");
        Api admin = Api.signIn(Tokens.unique("admin"), org, "admin");
        Api member = Api.signIn(Tokens.unique("member"), org, "member");
        String configId = orgConfiguration(admin, fake.mcpUrl);
        connectTo(member, configId, fake);
        try (var theirs = new ScriptedServer("127.0.0.1")) {
            // the shared endpoints changed behind the connection's back (another member's discovery, say)
            Database.as(Caller.system(), c -> update(c, "UPDATE mcp_configurations SET oauth_token_endpoint = ?, "
                    + "oauth_revocation_endpoint = ? WHERE id = ?::uuid", theirs.origin() + "/token", theirs.origin() + "/revoke", configId));
            Database.as(Caller.system(), c -> update(c, "UPDATE mcp_oauth_tokens SET expires_at = now() WHERE mcp_configuration_id = ?::uuid",
                    configId));
            int refreshes = fake.refreshCalls.get();
            Map<String, Map<String, Object>> servers = OAuthFlowTest.exported(member);
            Map<String, Object> exported = servers.values().stream().filter(s -> fake.mcpUrl.equals(s.get("url"))).findFirst().orElseThrow();
            assertThat(exported.get("connectionStatus")).isEqualTo("connected");
            assertThat(fake.refreshCalls.get()).as("refreshes at the issuer").isEqualTo(refreshes + 1);
            int revoked = fake.revoked().size();
            member.request().delete("/api/mcp/configurations/" + configId + "/oauth").then().statusCode(204);
            assertThat(fake.revoked().size()).as("tokens revoked at the issuer").isGreaterThan(revoked);
            assertThat(theirs.requests).as("requests to the endpoints configured later").hasValue(0);
        }
    }

    @Test
    void aRegistrationBelongsToTheIssuerItWasMadeWith() throws Exception {
        Api user = Api.signIn(Tokens.unique("user"), Tokens.unique("per-issuer-org"), "owner");
        String configId = OAuthFlowTest.oauthConfiguration(user, fake.mcpUrl);
        OAuthFlowTest.authorize(user, configId);
        int registrations = fake.registrations.get();
        OAuthFlowTest.authorize(user, configId);
        assertThat(fake.registrations.get()).as("the same issuer keeps its client").isEqualTo(registrations);
        Database.as(Caller.system(), c -> update(c, "UPDATE mcp_configurations SET oauth_client_issuer = 'https://previous.example' "
                + "WHERE id = ?::uuid", configId));
        OAuthFlowTest.authorize(user, configId);
        assertThat(fake.registrations.get()).as("another issuer's client is not sent here").isEqualTo(registrations + 1);
    }

    @Test
    void aCallbackFromAnotherIssuerIsAMixUp() {
        Api user = Api.signIn(Tokens.unique("user"), Tokens.unique("mixup-org"), "owner");
        String configId = OAuthFlowTest.oauthConfiguration(user, fake.mcpUrl);
        String url = OAuthFlowTest.authorize(user, configId);
        String code = fake.approve(url);
        user.request().queryParam("state", OAuthFlowTest.state(url)).queryParam("code", code).queryParam("iss", "https://attacker.example")
                .get("/api/oauth/callback").then().statusCode(400).contentType("application/problem+json")
                .body("code", equalTo("issuer_mismatch"));
        user.request().get("/api/mcp/configurations/" + configId + "/oauth").then().body("status", equalTo("not_connected"));

        fake.namesIssuerInResponses = true;
        String promised = OAuthFlowTest.authorize(user, configId);
        OAuthFlowTest.callback(user, OAuthFlowTest.state(promised), fake.approve(promised)).then().statusCode(400)
                .body("code", equalTo("issuer_missing"));
        String named = OAuthFlowTest.authorize(user, configId);
        user.request().queryParam("state", OAuthFlowTest.state(named)).queryParam("code", fake.approve(named))
                .queryParam("iss", fake.issuer).get("/api/oauth/callback").then().statusCode(200).body("connected", equalTo(true));
    }

    @Test
    void metadataIsBelievedOnlyAboutTheServerAsked() throws Exception {
        Api user = Api.signIn(Tokens.unique("user"), Tokens.unique("metadata-org"), "owner");
        try (var server = new ScriptedServer("127.0.0.1")) {
            String issuer = server.origin();
            String mcp = server.origin() + "/mcp";
            List<String> registrations = new CopyOnWriteArrayList<>();
            server.on("/mcp", ex -> ScriptedServer.send(ex, 401, "application/json", "{}"));
            server.on("/register", ex -> {
                registrations.add(new String(ex.getRequestBody().readAllBytes()));
                ScriptedServer.send(ex, 201, "application/json", "{\"client_id\":\"c-1\"}");
            });
            Map<String, Object> good = Map.of("issuer", issuer, "authorization_endpoint", issuer + "/authorize",
                    "token_endpoint", issuer + "/token", "registration_endpoint", issuer + "/register",
                    "code_challenge_methods_supported", List.of("S256"));
            server.json("/.well-known/oauth-protected-resource/mcp", 200, Map.of("resource", mcp, "authorization_servers",
                    List.of(issuer)));

            // RFC 8414 section 3.3: a document about another issuer
            Map<String, Object> otherIssuer = new java.util.HashMap<>(good);
            otherIssuer.put("issuer", "https://elsewhere.example");
            server.json("/.well-known/oauth-authorization-server", 200, otherIssuer);
            authorizeFails(user, mcp);

            // the MCP authorization spec: no advertised PKCE, no authorization
            Map<String, Object> noPkce = new java.util.HashMap<>(good);
            noPkce.remove("code_challenge_methods_supported");
            server.json("/.well-known/oauth-authorization-server", 200, noPkce);
            authorizeFails(user, mcp);

            // RFC 9728 section 3.3: resource metadata about another resource
            server.json("/.well-known/oauth-authorization-server", 200, good);
            server.json("/.well-known/oauth-protected-resource/mcp", 200, Map.of("resource", "https://elsewhere.example/mcp",
                    "authorization_servers", List.of(issuer)));
            authorizeFails(user, mcp);
            assertThat(registrations).as("registrations with servers whose metadata was refused").isEmpty();

            server.json("/.well-known/oauth-protected-resource/mcp", 200, Map.of("resource", mcp, "authorization_servers",
                    List.of(issuer)));
            user.request().post("/api/mcp/configurations/" + OAuthFlowTest.oauthConfiguration(user, mcp) + "/oauth/authorize").then()
                    .statusCode(200);
            assertThat(registrations).hasSize(1);
            assertThat(registrations.get(0)).contains("\"application_type\":\"web\"");
        }
    }

    private static void authorizeFails(Api user, String mcp) {
        user.request().post("/api/mcp/configurations/" + OAuthFlowTest.oauthConfiguration(user, mcp) + "/oauth/authorize").then()
                .statusCode(502).contentType("application/problem+json");
    }
}
