package io.agenthub.mcp;

import static io.agenthub.testing.Database.update;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.equalTo;

import java.sql.Connection;
import java.util.Map;

import jakarta.inject.Inject;

import org.junit.jupiter.api.Test;

import io.agenthub.oauth.TokenCipher;
import io.agenthub.testing.Api;
import io.agenthub.testing.Database;
import io.agenthub.testing.Database.Caller;
import io.agenthub.testing.Tokens;
import io.quarkus.test.junit.QuarkusTest;

/** Env and header values may be credentials: sealed at rest, masked when shown, placeholders when exported. */
@QuarkusTest
class SealedValuesTest {

    @Inject
    TokenCipher cipher;

    private static String stored(String column, String id) throws Exception {
        return Database.as(Caller.system(), c -> (String) Database.single(c, "SELECT CAST(" + column + " AS text) FROM mcp_configurations "
                + "WHERE id = ?::uuid", id));
    }

    @Test
    void valuesAreSealedMaskedAndExportedAsPlaceholders() throws Exception {
        Api user = Api.signIn(Tokens.unique("user"), Tokens.unique("sealed-org"), "owner");
        String http = user.request().body(Map.of("scope", "personal", "name", "api", "transport", "http", "url", "https://mcp.example/mcp",
                "headers", Map.of("Authorization", "Bearer sk-live-header-123"))).post("/api/mcp/configurations").then().statusCode(201)
                .body("headers.Authorization", equalTo("********")).extract().path("id");
        String stdio = user.request().body(Map.of("scope", "personal", "name", "local", "transport", "stdio", "command", "npx",
                "env", Map.of("API_KEY", "sk-env-456"))).post("/api/mcp/configurations").then().statusCode(201)
                .body("env.API_KEY", equalTo("********")).extract().path("id");
        assertThat(stored("headers", http)).doesNotContain("sk-live-header-123").contains("sealed:test:");
        assertThat(stored("env", stdio)).doesNotContain("sk-env-456").contains("sealed:test:");
        String sealed = new io.vertx.core.json.JsonObject(stored("headers", http)).getString("Authorization");
        assertThat(cipher.openValue(sealed)).isEqualTo("Bearer sk-live-header-123");
        user.request().get("/api/mcp/configurations/effective/export?includeSecrets=true").then().statusCode(200)
                .header("Cache-Control", "no-store");
        user.request().get("/api/mcp/configurations/effective/export").then().statusCode(200)
                .body("mcpServers.api.headers.Authorization", equalTo("${API_AUTHORIZATION}"))
                .body("mcpServers.local.env.API_KEY", equalTo("${API_KEY}"));
        user.request().body(Map.of("headers", Map.of("Authorization", "Bearer rotated-789"))).patch("/api/mcp/configurations/" + http)
                .then().statusCode(200).body("headers.Authorization", equalTo("********"));
        assertThat(stored("headers", http)).doesNotContain("rotated-789");
        user.request().body("{\"scope\":\"personal\",\"name\":\"nulls\",\"transport\":\"stdio\",\"command\":\"npx\","
                + "\"env\":{\"API_KEY\":null}}").post("/api/mcp/configurations").then().statusCode(400)
                .contentType("application/problem+json");
    }

    @Test
    void valuesStoredInClearBeforeAreSealedByHousekeeping() throws Exception {
        Api user = Api.signIn(Tokens.unique("user"), Tokens.unique("legacy-org"), "owner");
        String id = user.request().body(Map.of("scope", "personal", "name", "old", "transport", "http", "url", "https://mcp.example/mcp"))
                .post("/api/mcp/configurations").then().statusCode(201).extract().path("id");
        Database.as(Caller.system(), c -> update(c, "UPDATE mcp_configurations SET headers = '{\"X-Api-Key\": \"legacy-clear-key\"}' "
                + "WHERE id = ?::uuid", id));
        Api.signIn("platform-admin", "platform", "owner").request().post("/api/admin/housekeeping").then().statusCode(200);
        String headers = stored("headers", id);
        assertThat(headers).doesNotContain("legacy-clear-key");
        assertThat(cipher.openValue(new io.vertx.core.json.JsonObject(headers).getString("X-Api-Key"))).isEqualTo("legacy-clear-key");
        try (Connection c = Database.app()) {
            assertThat(Database.count(c, "SELECT count(*) FROM mcp_configurations WHERE CAST(headers AS text) LIKE '%legacy-clear-key%'"))
                    .isZero();
        }
    }
}
