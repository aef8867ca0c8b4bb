package io.agenthub.oauth;

import static io.agenthub.testing.Database.update;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.notNullValue;
import static org.hamcrest.Matchers.nullValue;
import static org.hamcrest.Matchers.startsWith;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import org.junit.jupiter.api.Test;

import io.agenthub.testing.Api;
import io.agenthub.testing.Database.Caller;
import io.agenthub.testing.Database;
import io.agenthub.testing.FakeOAuthServers;
import io.agenthub.testing.InjectFake;
import io.agenthub.testing.Tokens;
import io.quarkus.test.common.TestResourceScope;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.Response;

@QuarkusTest
@WithTestResource(value = FakeOAuthServers.class, scope = TestResourceScope.GLOBAL)
class OAuthFlowTest {

    @InjectFake
    FakeOAuthServers fake;

    static String oauthConfiguration(Api api, String url) {
        return api.request().body(Map.of("scope", "personal", "name", Tokens.unique("oauth"), "transport", "http", "url", url,
                "authType", "oauth2")).post("/api/mcp/configurations").then().statusCode(201).extract().path("id");
    }

    static String authorize(Api api, String configId) {
        return api.request().post("/api/mcp/configurations/" + configId + "/oauth/authorize").then().statusCode(200)
                .body("expiresAt", notNullValue()).extract().path("authorizationUrl");
    }

    static Response callback(Api api, String state, String code) {
        return api.request().queryParam("state", state).queryParam("code", code).get("/api/oauth/callback");
    }

    static String state(String authorizationUrl) {
        return FakeOAuthServers.query(URI.create(authorizationUrl).getRawQuery()).get("state");
    }

    /** The whole flow a user goes through; returns the configuration id. */
    static String connect(Api api, FakeOAuthServers fake) {
        String configId = oauthConfiguration(api, fake.mcpUrl);
        String url = authorize(api, configId);
        callback(api, state(url), fake.approve(url)).then().statusCode(200).body("connected", equalTo(true));
        return configId;
    }

    @Test
    void happyPathWithDiscoveryRegistrationAndPkce() throws Exception {
        Api user = Api.signIn(Tokens.unique("user"), Tokens.unique("oauth-org"), "owner");
        String configId = oauthConfiguration(user, fake.mcpUrl);
        int registrations = fake.registrations.get();
        String url = authorize(user, configId);
        Map<String, String> q = FakeOAuthServers.query(URI.create(url).getRawQuery());
        assertThat(url).startsWith(fake.issuer + "/authorize?");
        assertThat(q).containsEntry("response_type", "code").containsEntry("code_challenge_method", "S256")
                .containsEntry("resource", fake.mcpUrl).containsEntry("scope", "files:read")
                .containsEntry("redirect_uri", "http://localhost:8080/api/oauth/callback");
        assertThat(q.get("state")).hasSize(43);
        assertThat(q.get("code_challenge")).hasSize(43);
        assertThat(fake.registrations.get()).isEqualTo(registrations + 1);

        callback(user, q.get("state"), fake.approve(url)).then().statusCode(200)
                .body("connected", equalTo(true)).body("scope", equalTo("files:read")).body("tokenType", equalTo("Bearer"))
                .body("expiresAt", notNullValue());
        user.request().get("/api/mcp/configurations/" + configId + "/oauth").then().statusCode(200)
                .body("connected", equalTo(true)).body("status", equalTo("active"));
        // discovery and registration are kept: a second authorization registers nothing
        user.request().get("/api/mcp/configurations/" + configId).then().statusCode(200)
                .body("oauth.clientId", startsWith("client-")).body("oauth.tokenEndpoint", equalTo(fake.issuer + "/token"));
        authorize(user, configId);
        assertThat(fake.registrations.get()).isEqualTo(registrations + 1);
        // the export hands the owner a working bearer token, and only when asked
        String header = user.request().get("/api/mcp/configurations/effective/export?includeSecrets=true").then().statusCode(200)
                .extract().path("mcpServers.find { it.value.url == '" + fake.mcpUrl + "' }.value.headers.Authorization");
        assertThat(header).startsWith("Bearer fake-access-");
        assertThat(user.request().get("/api/mcp/configurations/effective/export").then().statusCode(200).extract().asString())
                .doesNotContain("fake-access-");
        assertNoPlaintextTokens();
        Database.probe(Caller.system(), c -> {
            assertThat(Database.count(c, "SELECT count(*) FROM audit_logs WHERE action = 'oauth.connect' AND resource_id = ?", configId))
                    .isEqualTo(1);
            return null;
        });
    }

    @Test
    void anAuthorizationNeedsNeitherBodyNorContentType() {
        Api user = Api.signIn(Tokens.unique("user"), Tokens.unique("bodiless-org"), "owner");
        String configId = oauthConfiguration(user, fake.mcpUrl);
        String path = "/api/mcp/configurations/" + configId + "/oauth/authorize";
        io.restassured.RestAssured.given().auth().oauth2(user.token()).post(path).then().statusCode(200)
                .body("authorizationUrl", startsWith(fake.issuer + "/authorize?"));
        io.restassured.RestAssured.given().auth().oauth2(user.token()).contentType("application/json").post(path).then()
                .statusCode(200);
        user.request().body("{}").post(path).then().statusCode(200);
        io.restassured.RestAssured.given().auth().oauth2(user.token()).contentType("text/plain").body("scopes=a").post(path).then()
                .statusCode(415).contentType("application/problem+json");
    }

    @Test
    void aStateWorksOnceForItsOwnUserBeforeItExpires() throws Exception {
        String org = Tokens.unique("state-org");
        Api user = Api.signIn(Tokens.unique("user"), org, "owner");
        Api colleague = Api.signIn(Tokens.unique("colleague"), org, "member");
        String configId = oauthConfiguration(user, fake.mcpUrl);

        String url = authorize(user, configId);
        String code = fake.approve(url);
        // someone else's state
        callback(colleague, state(url), code).then().statusCode(400).contentType("application/problem+json")
                .body("detail", equalTo("The authorization state is invalid, expired or already used; start again."));
        callback(user, state(url), code).then().statusCode(200);
        // replay
        callback(user, state(url), code).then().statusCode(400);
        // unknown and malformed
        callback(user, "x".repeat(43), code).then().statusCode(400);
        callback(user, "short", code).then().statusCode(400);

        String expiring = authorize(user, configId);
        Database.as(Caller.system(), c -> update(c, "UPDATE oauth_states SET created_at = now() - interval '1 hour', "
                + "expires_at = now() - interval '1 second' WHERE state = ?", state(expiring)));
        callback(user, state(expiring), fake.approve(expiring)).then().statusCode(400);
    }

    @Test
    void concurrentUsesOfTheSameStateSucceedOnce() throws Exception {
        Api user = Api.signIn(Tokens.unique("user"), Tokens.unique("race-org"), "owner");
        String configId = oauthConfiguration(user, fake.mcpUrl);
        String url = authorize(user, configId);
        String code = fake.approve(url);
        ExecutorService pool = Executors.newFixedThreadPool(6);
        try {
            List<Future<Integer>> results = new ArrayList<>();
            for (int i = 0; i < 6; i++) {
                results.add(pool.submit(() -> callback(user, state(url), code).statusCode()));
            }
            List<Integer> statuses = new ArrayList<>();
            for (Future<Integer> r : results) {
                statuses.add(r.get());
            }
            assertThat(statuses).containsOnlyOnce(200).filteredOn(s -> s != 200).containsOnly(400);
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void aWrongPkceVerifierIsRefusedUpstream() throws Exception {
        Api user = Api.signIn(Tokens.unique("user"), Tokens.unique("pkce-org"), "owner");
        String configId = oauthConfiguration(user, fake.mcpUrl);
        String url = authorize(user, configId);
        Database.as(Caller.system(), c -> update(c, "UPDATE oauth_states SET code_verifier = repeat('w', 43) WHERE state = ?",
                state(url)));
        callback(user, state(url), fake.approve(url)).then().statusCode(502).contentType("application/problem+json")
                .body("oauthError", equalTo("invalid_grant"));
        user.request().get("/api/mcp/configurations/" + configId + "/oauth").then().body("connected", equalTo(false));
    }

    @Test
    void configuredClientAndExtraParametersAreUsedWithoutRegistration() {
        Api user = Api.signIn(Tokens.unique("user"), Tokens.unique("google-like"), "owner");
        String configId = user.request().body(Map.of("scope", "personal", "name", Tokens.unique("g"), "transport", "http",
                "url", fake.mcpUrl, "authType", "oauth2", "oauth", Map.of("clientId", "preconfigured", "scopes", "a b",
                        "extraParams", Map.of("access_type", "offline", "prompt", "consent"))))
                .post("/api/mcp/configurations").then().statusCode(201).extract().path("id");
        int registrations = fake.registrations.get();
        String url = authorize(user, configId);
        Map<String, String> q = FakeOAuthServers.query(URI.create(url).getRawQuery());
        assertThat(q).containsEntry("client_id", "preconfigured").containsEntry("scope", "a b")
                .containsEntry("access_type", "offline").containsEntry("prompt", "consent");
        assertThat(fake.registrations.get()).isEqualTo(registrations);
    }

    @Test
    void theAuthorizationServersRefusalIsA502WithItsCode() {
        Api user = Api.signIn(Tokens.unique("user"), Tokens.unique("deny-org"), "owner");
        String configId = oauthConfiguration(user, fake.mcpUrl);
        String url = authorize(user, configId);
        user.request().queryParam("state", state(url)).queryParam("error", "access_denied").get("/api/oauth/callback")
                .then().statusCode(502).body("oauthError", equalTo("access_denied"));
    }

    @Test
    void concurrentCallersOfAnExpiringTokenCauseOneRefresh() throws Exception {
        Api user = Api.signIn(Tokens.unique("user"), Tokens.unique("refresh-org"), "owner");
        connect(user, fake);
        Database.as(Caller.system(), c -> update(c, "UPDATE mcp_oauth_tokens SET expires_at = now() + interval '5 seconds' "
                + "WHERE user_id = (SELECT id FROM users WHERE oidc_subject = ?)", user.subject()));
        int before = fake.refreshCalls.get();
        fake.refreshDelayMs = 300;
        ExecutorService pool = Executors.newFixedThreadPool(8);
        try {
            List<Future<String>> results = new ArrayList<>();
            for (int i = 0; i < 8; i++) {
                results.add(pool.submit(() -> user.request().get("/api/mcp/configurations/effective/export?includeSecrets=true")
                        .then().statusCode(200).extract().asString()));
            }
            Set<String> bodies = new HashSet<>();
            for (Future<String> r : results) {
                bodies.add(r.get());
            }
            assertThat(fake.refreshCalls.get() - before).isEqualTo(1);
            assertThat(bodies).hasSize(1);
        } finally {
            fake.refreshDelayMs = 0;
            pool.shutdownNow();
        }
        assertNoPlaintextTokens();
    }

    @Test
    void aRejectedRefreshMarksTheConnectionForReauthorisation() throws Exception {
        Api user = Api.signIn(Tokens.unique("user"), Tokens.unique("grant-org"), "owner");
        String configId = connect(user, fake);
        Database.as(Caller.system(), c -> update(c, "UPDATE mcp_oauth_tokens SET expires_at = now() WHERE mcp_configuration_id = ?::uuid",
                configId));
        fake.withdrawConsent();
        int before = fake.refreshCalls.get();
        user.request().get("/api/mcp/configurations/effective/export?includeSecrets=true").then().statusCode(200);
        user.request().get("/api/mcp/configurations/" + configId + "/oauth").then().statusCode(200)
                .body("status", equalTo("needs_reauth")).body("connected", equalTo(false))
                .body("statusReason", equalTo("the authorization server rejected the refresh token"));
        // no retry storm: later uses do not call the server again
        user.request().get("/api/mcp/configurations/effective/export?includeSecrets=true").then().statusCode(200);
        assertThat(fake.refreshCalls.get() - before).isEqualTo(1);
        // authorizing again heals it
        String url = authorize(user, configId);
        callback(user, state(url), fake.approve(url)).then().statusCode(200).body("status", equalTo("active"));
    }

    @Test
    void disconnectRevokesUpstreamAndForgets() throws Exception {
        Api user = Api.signIn(Tokens.unique("user"), Tokens.unique("revoke-org"), "owner");
        String configId = connect(user, fake);
        int revokedBefore = fake.revoked().size();
        user.request().delete("/api/mcp/configurations/" + configId + "/oauth").then().statusCode(204);
        assertThat(fake.revoked().size() - revokedBefore).isEqualTo(2);
        user.request().get("/api/mcp/configurations/" + configId + "/oauth").then().body("connected", equalTo(false))
                .body("status", equalTo("not_connected"));
        user.request().delete("/api/mcp/configurations/" + configId + "/oauth").then().statusCode(404);
    }

    static void expire(String configId) throws Exception {
        Database.as(Caller.system(), c -> update(c, "UPDATE mcp_oauth_tokens SET expires_at = now() WHERE mcp_configuration_id = ?::uuid",
                configId));
    }

    static Map<String, Map<String, Object>> exported(Api user) {
        return user.request().get("/api/mcp/configurations/effective/export?includeSecrets=true").then().statusCode(200)
                .extract().path("mcpServers");
    }

    @Test
    void eachServerOfTheExportStandsAloneWhenARefreshFails() throws Exception {
        Api user = Api.signIn(Tokens.unique("user"), Tokens.unique("export-org"), "owner");
        String healthy = connect(user, fake);
        String expiring = connect(user, fake);
        user.request().body(Map.of("scope", "personal", "name", "plain", "transport", "http", "url", "https://plain.example/mcp"))
                .post("/api/mcp/configurations").then().statusCode(201);
        String healthyName = user.request().get("/api/mcp/configurations/" + healthy).then().extract().path("name");
        String expiringName = user.request().get("/api/mcp/configurations/" + expiring).then().extract().path("name");
        expire(expiring);
        fake.tokenEndpointDown = true;
        Map<String, Map<String, Object>> servers;
        try {
            servers = exported(user);
        } finally {
            fake.tokenEndpointDown = false;
        }
        assertThat(servers).containsKeys("plain", healthyName, expiringName);
        assertThat(servers.get(healthyName)).containsEntry("connectionStatus", "connected").containsKey("headers");
        assertThat(servers.get(expiringName)).containsEntry("connectionStatus", "unavailable").doesNotContainKey("headers");
        assertThat(servers.get("plain")).doesNotContainKey("connectionStatus");
        // an outage is not the user's to fix: the connection stays active and works once the server is back
        user.request().get("/api/mcp/configurations/" + expiring + "/oauth").then().body("status", equalTo("active"));
        assertThat(exported(user).get(expiringName)).containsEntry("connectionStatus", "connected");
    }

    @Test
    void aForgottenClientMarksTheConnectionAndRegistersAgain() throws Exception {
        Api user = Api.signIn(Tokens.unique("user"), Tokens.unique("forgot-org"), "owner");
        String configId = connect(user, fake);
        String name = user.request().get("/api/mcp/configurations/" + configId).then().extract().path("name");
        expire(configId);
        fake.forgetClients();
        assertThat(exported(user).get(name)).containsEntry("connectionStatus", "needs_reauth");
        user.request().get("/api/mcp/configurations/" + configId + "/oauth").then().statusCode(200)
                .body("status", equalTo("needs_reauth"))
                .body("statusReason", equalTo("the authorization server no longer knows this client"));
        user.request().get("/api/mcp/configurations/" + configId).then().body("oauth.clientId", nullValue());
        int registrations = fake.registrations.get();
        String url = authorize(user, configId);
        assertThat(fake.registrations.get()).isEqualTo(registrations + 1);
        callback(user, state(url), fake.approve(url)).then().statusCode(200).body("status", equalTo("active"));
    }

    @Test
    void aClientForgottenDuringConsentIsRegisteredAgainNextTime() {
        Api user = Api.signIn(Tokens.unique("user"), Tokens.unique("consent-org"), "owner");
        String configId = oauthConfiguration(user, fake.mcpUrl);
        String url = authorize(user, configId);
        String code = fake.approve(url);
        fake.forgetClients();
        callback(user, state(url), code).then().statusCode(502).contentType("application/problem+json")
                .body("oauthError", equalTo("invalid_client"));
        user.request().get("/api/mcp/configurations/" + configId).then().body("oauth.clientId", nullValue());
        String again = authorize(user, configId);
        callback(user, state(again), fake.approve(again)).then().statusCode(200).body("connected", equalTo(true));
    }

    @Test
    void aClientIdCanBeClearedButNotSetEmpty() {
        Api user = Api.signIn(Tokens.unique("user"), Tokens.unique("clientid-org"), "owner");
        String configId = oauthConfiguration(user, fake.mcpUrl);
        user.request().body("{\"oauth\":{\"clientId\":\"\"}}").patch("/api/mcp/configurations/" + configId)
                .then().statusCode(400).contentType("application/problem+json").body("errors[0].field", equalTo("oauth.clientId"));
        user.request().body("{\"oauth\":{\"clientId\":\"my-client\"}}").patch("/api/mcp/configurations/" + configId)
                .then().statusCode(200).body("oauth.clientId", equalTo("my-client"));
        user.request().body("{\"oauth\":{\"scopes\":\"files:read\"}}").patch("/api/mcp/configurations/" + configId)
                .then().statusCode(200).body("oauth.clientId", equalTo("my-client"));
        user.request().body("{\"oauth\":{\"clientId\":null}}").patch("/api/mcp/configurations/" + configId)
                .then().statusCode(200).body("oauth.clientId", nullValue());
    }

    @Test
    void aNewUrlForgetsWhatWasDiscoveredRegisteredAndConnected() throws Exception {
        Api user = Api.signIn(Tokens.unique("user"), Tokens.unique("newurl-org"), "owner");
        String configId = connect(user, fake);
        user.request().get("/api/mcp/configurations/" + configId).then()
                .body("oauth.issuer", equalTo(fake.issuer)).body("oauth.clientId", notNullValue())
                .body("oauth.tokenEndpoint", notNullValue()).body("oauth.resource", equalTo(fake.mcpUrl));
        user.request().body(Map.of("url", "https://elsewhere.example/mcp")).patch("/api/mcp/configurations/" + configId)
                .then().statusCode(200)
                .body("oauth.issuer", nullValue()).body("oauth.clientId", nullValue()).body("oauth.tokenEndpoint", nullValue())
                .body("oauth.registrationEndpoint", nullValue()).body("oauth.resource", nullValue());
        user.request().get("/api/mcp/configurations/" + configId + "/oauth").then().body("status", equalTo("not_connected"));
        user.request().get("/api/audit-logs?resourceType=mcp_configuration&limit=100").then().statusCode(200)
                .body(containsString("discovery, registration and connections reset"));
    }

    @Test
    void aMemberDemotedToViewerCannotDisconnect() throws Exception {
        String org = Tokens.unique("demoted-org");
        Api owner = Api.signIn(Tokens.unique("owner"), org, "owner");
        Api member = Api.signIn(Tokens.unique("member"), org, "member");
        String configId = connect(member, fake);
        owner.request().body(Map.of("role", "viewer")).patch("/api/users/" + member.id()).then().statusCode(200);
        int revokedBefore = fake.revoked().size();
        member.request().delete("/api/mcp/configurations/" + configId + "/oauth")
                .then().statusCode(403).contentType("application/problem+json");
        member.request().post("/api/mcp/configurations/" + configId + "/oauth/authorize").then().statusCode(403);
        assertThat(fake.revoked().size()).isEqualTo(revokedBefore);
        member.request().get("/api/mcp/configurations/" + configId + "/oauth").then().statusCode(200)
                .body("connected", equalTo(true));
    }

    @Test
    void brokenOrUnreachableServersAre502() {
        Api user = Api.signIn(Tokens.unique("user"), Tokens.unique("broken-org"), "owner");
        String unreachable = oauthConfiguration(user, "http://127.0.0.1:1/mcp");
        String undiscoverable = "Agent Hub could not discover how to authorize with 127.0.0.1: its OAuth metadata is unreachable, "
                + "missing or invalid.";
        user.request().post("/api/mcp/configurations/" + unreachable + "/oauth/authorize").then().statusCode(502)
                .contentType("application/problem+json").body("detail", equalTo(undiscoverable));
        String configId = oauthConfiguration(user, fake.mcpUrl);
        fake.malformedMetadata = true;
        try {
            user.request().post("/api/mcp/configurations/" + configId + "/oauth/authorize").then().statusCode(502)
                    .body("detail", equalTo(undiscoverable));
        } finally {
            fake.malformedMetadata = false;
        }
        String plain = user.request().body(Map.of("scope", "personal", "name", Tokens.unique("plain"), "transport", "http",
                "url", fake.mcpUrl)).post("/api/mcp/configurations").then().statusCode(201).extract().path("id");
        user.request().post("/api/mcp/configurations/" + plain + "/oauth/authorize").then().statusCode(422);
    }

    /** Every text and bytea column of every table: no token the fake server issued appears in clear. */
    static void assertNoPlaintextTokens() throws Exception {
        try (Connection c = Database.superuser("agent_hub"); Statement s = c.createStatement();
             ResultSet columns = s.executeQuery("""
                     SELECT table_name, column_name FROM information_schema.columns
                     WHERE table_schema = 'public' AND data_type IN ('text', 'bytea', 'jsonb', 'character varying', 'ARRAY')
                       AND table_name IN (SELECT tablename FROM pg_tables WHERE schemaname = 'public')""")) {
            List<String[]> all = new ArrayList<>();
            while (columns.next()) {
                all.add(new String[] {columns.getString(1), columns.getString(2)});
            }
            for (String[] col : all) {
                try (Statement q = c.createStatement(); ResultSet rs = q.executeQuery("SELECT count(*) FROM " + col[0] + " WHERE encode(convert_to("
                        + col[1] + "::text, 'UTF8'), 'escape') ~ 'fake-(access|refresh)-'")) {
                    rs.next();
                    assertThat(rs.getLong(1)).as(col[0] + "." + col[1]).isZero();
                }
            }
            try (Statement q = c.createStatement(); ResultSet rs = q.executeQuery(
                    "SELECT count(*) FROM mcp_oauth_tokens WHERE position(convert_to('fake-', 'UTF8') in access_token_encrypted) > 0 "
                            + "OR position(convert_to('fake-', 'UTF8') in coalesce(refresh_token_encrypted, ''::bytea)) > 0")) {
                rs.next();
                assertThat(rs.getLong(1)).isZero();
            }
        }
        assertThat("fake-access-".getBytes(StandardCharsets.UTF_8)).isNotEmpty();
    }
}
