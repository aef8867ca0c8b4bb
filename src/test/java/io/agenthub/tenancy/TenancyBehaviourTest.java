package io.agenthub.tenancy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.hasSize;
import static org.hamcrest.Matchers.not;

import java.util.List;
import java.util.UUID;
import java.util.Map;

import org.junit.jupiter.api.Test;

import io.agenthub.testing.Api;
import io.agenthub.testing.Database;
import io.agenthub.testing.Database.Caller;
import io.agenthub.testing.Tokens;
import io.quarkus.test.junit.QuarkusTest;

@QuarkusTest
class TenancyBehaviourTest {

    @Test
    void theLastOwnerStays() {
        String org = Tokens.unique("owners");
        Api owner = Api.signIn(Tokens.unique("owner"), org, "owner");
        Api admin = Api.signIn(Tokens.unique("admin"), org, "admin");
        String ownerId = owner.id();
        owner.request().body(Map.of("role", "admin")).patch("/api/users/" + ownerId).then().statusCode(409)
                .contentType("application/problem+json");
        owner.request().body(Map.of("active", false)).patch("/api/users/" + ownerId).then().statusCode(409);
        // only owners hand out ownership
        admin.request().body(Map.of("role", "owner")).patch("/api/users/" + admin.id()).then().statusCode(403);
        owner.request().body(Map.of("role", "owner")).patch("/api/users/" + admin.id()).then().statusCode(200)
                .body("role", equalTo("owner"));
        // with a second owner the first may step down
        owner.request().body(Map.of("role", "member")).patch("/api/users/" + ownerId).then().statusCode(200)
                .body("role", equalTo("member"));
        owner.request().get("/api/me").then().statusCode(200).body("user.role", equalTo("member"));
    }

    private static final String METRICS = "/api/metrics/agents?from=2026-01-01&to=2026-01-07";

    @Test
    void rolesComeFromTheDatabaseNotTheToken() {
        String org = Tokens.unique("roles");
        Api owner = Api.signIn(Tokens.unique("owner"), org, "owner");
        Api admin = Api.signIn(Tokens.unique("admin"), org, "admin");
        admin.request().get(METRICS).then().statusCode(200);

        // demoted in Agent Hub: the token still says admin, the next request is a member's
        owner.request().body(Map.of("role", "member")).patch("/api/users/" + admin.id()).then().statusCode(200);
        admin.request().get(METRICS).then().statusCode(403).contentType("application/problem+json")
                .body("detail", equalTo("This needs the admin role."));
        admin.request().body(Map.of("name", "Taken over")).patch("/api/organizations/current").then().statusCode(403)
                .body("detail", equalTo("This needs the admin role."));
        owner.request().get("/api/organizations/current").then().statusCode(200).body("name", not(equalTo("Taken over")));

        // an owner holds every weaker role, but no organisation role makes a platform admin
        owner.request().get(METRICS).then().statusCode(200);
        owner.request().get("/api/admin/organizations").then().statusCode(403).contentType("application/problem+json")
                .body("detail", equalTo("This needs the platform-admin role."));
        owner.request().body(Map.of("enabled", false)).patch("/api/agents/droid").then().statusCode(403);
    }

    @Test
    void theApiDocumentNamesWhoMayCallWhat() {
        Map<String, Object> paths = io.restassured.RestAssured.given().accept("application/json").get("/q/openapi?format=json")
                .then().statusCode(200).extract().path("paths");
        assertThat(String.valueOf(operation(paths, "/api/admin/organizations", "get").get("security"))).contains("platform-admin");
        assertThat(String.valueOf(operation(paths, "/api/organizations/current", "patch").get("security"))).contains("admin");
        assertThat(String.valueOf(operation(paths, "/api/audit-logs", "get").get("security"))).contains("admin", "platform-admin");
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> operation(Map<String, Object> paths, String path, String method) {
        return (Map<String, Object>) ((Map<String, Object>) paths.get(path)).get(method);
    }

    @Test
    void deactivatedUsersAreRefused() {
        String org = Tokens.unique("deact");
        Api owner = Api.signIn(Tokens.unique("owner"), org, "owner");
        Api member = Api.signIn(Tokens.unique("member"), org, "member");
        String memberId = member.id();
        owner.request().body(Map.of("active", false)).patch("/api/users/" + memberId).then().statusCode(200)
                .body("active", equalTo(false));
        member.request().get("/api/me").then().statusCode(403).contentType("application/problem+json")
                .body("detail", equalTo("Your account is deactivated."));
        owner.request().get("/api/users?active=false").then().statusCode(200).body("items", hasSize(1));
        owner.request().body(Map.of("active", true)).patch("/api/users/" + memberId).then().statusCode(200);
        member.request().get("/api/me").then().statusCode(200);
    }

    @Test
    void aSessionIsRefreshedAtMostOnceAMinuteUnlessItsContextChanges() throws Exception {
        Api user = Api.signIn(Tokens.unique("steady"), Tokens.unique("steady-org"), "member");
        UUID userId = UUID.fromString(user.id());
        Object version = sessionVersion(userId);
        for (int i = 0; i < 3; i++) {
            user.request().get("/api/me").then().statusCode(200);
        }
        assertThat(sessionVersion(userId)).as("no write for a session seen a moment ago").isEqualTo(version);

        user.request().header("X-Workspace-Context", "{\"project\":\"gemini\"}").get("/api/me").then().statusCode(200);
        assertThat(sessionVersion(userId)).as("a new workspace context is written at once").isNotEqualTo(version);
        String context = Database.as(Caller.system(), c -> (String) Database.single(c,
                "SELECT workspace_context::text FROM user_sessions WHERE user_id = ?", userId));
        assertThat(context).isEqualTo("{\"project\": \"gemini\"}");

        // a session last seen over a minute ago is refreshed by the next request
        Database.as(Caller.system(), c -> Database.update(c,
                "UPDATE user_sessions SET last_seen_at = now() - interval '2 minutes' WHERE user_id = ?", userId));
        user.request().get("/api/me").then().statusCode(200);
        long recent = Database.as(Caller.system(), c -> Database.count(c,
                "SELECT count(*) FROM user_sessions WHERE user_id = ? AND last_seen_at > now() - interval '10 seconds'", userId));
        assertThat(recent).isEqualTo(1);
    }

    /** The row version of the user's one session: it changes with every write. */
    static Object sessionVersion(UUID userId) throws Exception {
        return Database.as(Caller.system(), c -> Database.single(c, "SELECT xmin::text FROM user_sessions WHERE user_id = ?", userId));
    }

    @Test
    void aRevokedSessionIsUnauthorized() {
        String org = Tokens.unique("sessions");
        String sub = Tokens.unique("user");
        Api first = Api.signIn(sub, org, "owner");
        Api second = first.revokeSecondSession();
        second.request().get("/api/me").then().statusCode(401).body("detail", equalTo("This session has been revoked; sign in again."));
        first.request().get("/api/me").then().statusCode(200);
        // someone else's session id is simply not found
        Api stranger = Api.signIn(Tokens.unique("stranger"), org, "member");
        String mine = first.request().get("/api/me/sessions").then().extract().path("items.find { it.current }.id");
        stranger.request().delete("/api/me/sessions/" + mine).then().statusCode(404);
        first.request().get("/api/me").then().statusCode(200);
    }

    @Test
    void platformAdminsManageOrganisations() {
        Api platform = Api.signIn("platform-admin", "platform", "owner");
        String slug = Tokens.unique("made");
        String id = platform.request().body(Map.of("name", "Made by admin", "slug", slug, "externalId", slug, "plan", "team"))
                .post("/api/admin/organizations").then().statusCode(201).body("plan", equalTo("team")).extract().path("id");
        platform.request().body(Map.of("name", "Again", "slug", slug)).post("/api/admin/organizations").then().statusCode(409);
        Api member = Api.signIn(Tokens.unique("member"), slug, "member");
        member.request().get("/api/organizations/current").then().statusCode(200).body("id", equalTo(id));

        platform.request().body(Map.of("reason", "unpaid")).post("/api/admin/organizations/" + id + "/suspend").then().statusCode(200)
                .body("status", equalTo("suspended"));
        member.request().get("/api/me").then().statusCode(403).body("detail", equalTo("Your organisation is suspended."));
        platform.request().get("/api/admin/organizations?status=suspended&limit=100").then().statusCode(200)
                .body("items.id", hasItem(id));
        platform.request().post("/api/admin/organizations/" + id + "/reactivate").then().statusCode(200);
        member.request().get("/api/me").then().statusCode(200);
        platform.request().get("/api/admin/audit-log?organizationId=" + id).then().statusCode(200)
                .body("items.action", equalTo(List.of("organization.reactivate", "organization.suspend", "organization.create")))
                .body("items[1].details.reason", equalTo("unpaid"));
        platform.request().get("/api/admin/organizations/00000000-0000-0000-0000-000000000000").then().statusCode(404);
    }

    @Test
    void effectiveConfigurationsLetPersonalOverrideOrganisationByName() {
        String org = Tokens.unique("effective");
        Api owner = Api.signIn(Tokens.unique("owner"), org, "owner");
        Api member = Api.signIn(Tokens.unique("member"), org, "member");
        owner.request().body(Map.of("scope", "organization", "name", "github", "transport", "http", "url", "https://org.example/mcp",
                "headers", Map.of("X-Api-Key", "org-secret-key"))).post("/api/mcp/configurations").then().statusCode(201)
                .body("headers.X-Api-Key", equalTo("********"));
        owner.request().body(Map.of("scope", "organization", "name", "files", "transport", "stdio", "command", "npx",
                "args", List.of("-y", "@modelcontextprotocol/server-filesystem"), "env", Map.of("ROOT_TOKEN", "s3cr3t")))
                .post("/api/mcp/configurations").then().statusCode(201);
        owner.request().body(Map.of("scope", "organization", "name", "off", "transport", "stdio", "command", "x", "enabled", false))
                .post("/api/mcp/configurations").then().statusCode(201);
        member.request().body(Map.of("scope", "personal", "name", "github", "transport", "http", "url", "https://mine.example/mcp"))
                .post("/api/mcp/configurations").then().statusCode(201);

        member.request().get("/api/mcp/configurations/effective").then().statusCode(200)
                .body("items.name", hasSize(2))
                .body("items.find { it.name == 'github' }.url", equalTo("https://mine.example/mcp"))
                .body("items.find { it.name == 'github' }.scope", equalTo("personal"));
        owner.request().get("/api/mcp/configurations/effective").then().statusCode(200)
                .body("items.find { it.name == 'github' }.url", equalTo("https://org.example/mcp"));

        String export = owner.request().get("/api/mcp/configurations/effective/export").then().statusCode(200)
                .body("mcpServers.github.type", equalTo("http"))
                .body("mcpServers.github.url", equalTo("https://org.example/mcp"))
                .body("mcpServers.github.headers.X-Api-Key", equalTo("${GITHUB_X_API_KEY}"))
                .body("mcpServers.files.command", equalTo("npx"))
                .body("mcpServers.files.args", equalTo(List.of("-y", "@modelcontextprotocol/server-filesystem")))
                .body("mcpServers.files.env.ROOT_TOKEN", equalTo("${ROOT_TOKEN}"))
                .body("mcpServers", not(hasItem("off")))
                .extract().asString();
        assertThat(export).doesNotContain("org-secret-key").doesNotContain("s3cr3t").doesNotContain("\"off\"");
    }

    @Test
    void effectivePromptsComeInSendingOrder() {
        String org = Tokens.unique("prompts");
        Api owner = Api.signIn(Tokens.unique("owner"), org, "owner");
        Api member = Api.signIn(Tokens.unique("member"), org, "member");
        owner.request().body(Map.of("scope", "organization", "name", "second", "content", "o2", "priority", 20))
                .post("/api/system-prompts").then().statusCode(201);
        owner.request().body(Map.of("scope", "organization", "name", "first", "content", "o1", "priority", 10))
                .post("/api/system-prompts").then().statusCode(201);
        member.request().body(Map.of("scope", "user", "name", "mine", "content", "u", "priority", 0))
                .post("/api/system-prompts").then().statusCode(201);
        owner.request().body(Map.of("scope", "user", "name", "owners-own", "content", "not for the member"))
                .post("/api/system-prompts").then().statusCode(201);
        List<String> names = member.request().get("/api/system-prompts/effective").then().statusCode(200)
                .extract().path("findAll { it.scope != 'global' }.name");
        assertThat(names).containsExactly("first", "second", "mine");
    }
}
