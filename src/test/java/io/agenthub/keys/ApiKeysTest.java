package io.agenthub.keys;

import static io.agenthub.testing.Database.update;
import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasSize;
import static org.hamcrest.Matchers.nullValue;

import java.sql.Connection;
import java.util.Map;
import java.util.UUID;

import org.junit.jupiter.api.Test;

import io.agenthub.testing.Api;
import io.agenthub.testing.Database;
import io.agenthub.testing.Database.Caller;
import io.agenthub.testing.Tokens;
import io.quarkus.test.junit.QuarkusTest;

/** API keys: shown once, kept as a digest, working wherever a token works, refused from the request after a revocation. */
@QuarkusTest
class ApiKeysTest {

    private static String create(Api user, String name) {
        return user.request().body(Map.of("name", name)).post("/api/me/api-keys").then().statusCode(201)
                .body("apiKey.name", equalTo(name)).extract().path("key");
    }

    @Test
    void aKeyIsShownOnceKeptAsADigestAndWorksAsABearerTokenOrXApiKey() throws Exception {
        Api user = Api.signIn(Tokens.unique("coder"), Tokens.unique("keys-org"), "member");
        String key = create(user, "laptop");
        assertThat(key).matches("ahk_[A-Za-z0-9_-]{43}");
        String me = user.id();
        given().auth().oauth2(key).get("/api/me").then().statusCode(200).body("user.id", equalTo(me));
        given().header("x-api-key", key).get("/api/me").then().statusCode(200).body("user.id", equalTo(me));
        given().auth().oauth2(key).get("/v1/models").then().statusCode(200);
        // a leaked key cannot make itself a successor that outlives its revocation
        given().auth().oauth2(key).contentType("application/json").body(Map.of("name", "successor")).post("/api/me/api-keys").then()
                .statusCode(403).contentType("application/problem+json");
        user.request().get("/api/me/api-keys").then().statusCode(200).body("items", hasSize(1))
                .body("items[0].prefix", equalTo(key.substring(0, 12))).body("items[0].key", nullValue())
                .body("items[0].lastUsedAt", org.hamcrest.Matchers.notNullValue());
        try (Connection c = Database.superuser("agent_hub")) {
            assertThat(Database.count(c, "SELECT count(*) FROM api_keys WHERE key_digest = sha256(convert_to(?, 'UTF8'))", key)).isOne();
            assertThat(Database.count(c, "SELECT count(*) FROM api_keys WHERE name = ? OR prefix = ? OR encode(key_digest, 'escape') LIKE ?",
                    key, key, "%" + key.substring(4) + "%")).isZero();
            assertThat(Database.count(c, "SELECT count(*) FROM audit_logs WHERE action = 'api_key.create' AND actor_subject = ?",
                    user.subject())).isOne();
        }
        given().auth().oauth2("ahk_not-a-key").get("/api/me").then().statusCode(401).contentType("application/problem+json");
        given().auth().oauth2("ahk_" + "x".repeat(43)).get("/api/me").then().statusCode(401).contentType("application/problem+json");
    }

    @Test
    void revocationExpiryAndDeactivationTakeEffectOnTheNextRequest() throws Exception {
        String org = Tokens.unique("revoke-org");
        Api owner = Api.signIn(Tokens.unique("owner"), org, "owner");
        Api member = Api.signIn(Tokens.unique("member"), org, "member");
        String revoked = create(member, "to revoke");
        String id = member.request().get("/api/me/api-keys").then().extract().path("items[0].id");
        given().auth().oauth2(revoked).get("/api/me").then().statusCode(200);
        member.request().delete("/api/me/api-keys/" + id).then().statusCode(204);
        given().auth().oauth2(revoked).get("/api/me").then().statusCode(401).contentType("application/problem+json");

        String expiring = create(member, "expiring");
        Database.as(Caller.system(), c -> update(c, "UPDATE api_keys SET created_at = now() - interval '2 hours', "
                + "expires_at = now() - interval '1 hour' WHERE name = 'expiring' AND user_id = ?::uuid", member.id()));
        given().auth().oauth2(expiring).get("/api/me").then().statusCode(401);

        String live = create(member, "live");
        String memberId = member.id();
        owner.request().body(Map.of("active", false)).patch("/api/users/" + memberId).then().statusCode(200);
        given().auth().oauth2(live).get("/api/me").then().statusCode(403);
        owner.request().body(Map.of("active", true)).patch("/api/users/" + memberId).then().statusCode(200);
        given().auth().oauth2(live).get("/api/me").then().statusCode(200);

        member.request().body(Map.of("name", "past", "expiresAt", "2020-01-01T00:00:00Z")).post("/api/me/api-keys").then()
                .statusCode(400).body("errors[0].field", equalTo("expiresAt"));
        member.request().body(Map.of("name", "")).post("/api/me/api-keys").then().statusCode(400);
    }

    @Test
    void administratorsManageTheirMembersKeysAndNoOneElses() throws Exception {
        String org = Tokens.unique("admin-keys-org");
        Api admin = Api.signIn(Tokens.unique("admin"), org, "owner");
        Api member = Api.signIn(Tokens.unique("member"), org, "member");
        Api stranger = Api.signIn(Tokens.unique("stranger"), Tokens.unique("other-org"), "owner");
        String key = create(member, "ci");
        String memberId = member.id();
        String keyId = admin.request().get("/api/users/" + memberId + "/api-keys").then().statusCode(200)
                .body("items", hasSize(1)).extract().path("items[0].id");
        member.request().get("/api/users/" + admin.id() + "/api-keys").then().statusCode(403);
        stranger.request().get("/api/users/" + memberId + "/api-keys").then().statusCode(404);
        stranger.request().delete("/api/users/" + memberId + "/api-keys/" + keyId).then().statusCode(404);
        given().auth().oauth2(key).get("/api/me").then().statusCode(200);
        admin.request().delete("/api/users/" + memberId + "/api-keys/" + keyId).then().statusCode(204);
        given().auth().oauth2(key).get("/api/me").then().statusCode(401);
        // row-level security, not only the service, keeps another organisation's keys out of reach
        UUID strangerId = UUID.fromString(stranger.id());
        UUID strangerOrg = UUID.fromString(stranger.orgId());
        long visible = Database.probe(Caller.user(strangerId, strangerOrg), c -> Database.count(c,
                "SELECT count(*) FROM api_keys WHERE user_id = ?::uuid", memberId));
        assertThat(visible).isZero();
        try (Connection c = Database.superuser("agent_hub")) {
            assertThat(Database.count(c, "SELECT count(*) FROM audit_logs WHERE action = 'api_key.revoke' AND resource_id = ?", keyId))
                    .isOne();
        }
    }

    @Test
    void aViewersKeyReadsButDoesNotWrite() {
        String org = Tokens.unique("viewer-keys-org");
        Api.signIn(Tokens.unique("owner"), org, "owner");
        Api viewer = Api.signIn(Tokens.unique("viewer"), org, "viewer");
        String key = create(viewer, "read only");
        given().auth().oauth2(key).get("/api/me").then().statusCode(200);
        given().auth().oauth2(key).contentType("application/json").body(Map.of("scope", "personal", "name", "x", "transport", "http",
                "url", "https://mcp.example/mcp")).post("/api/mcp/configurations").then().statusCode(403);
    }
}
