package io.agenthub.tenancy;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import io.agenthub.testing.Api;
import io.agenthub.testing.Operations;
import io.agenthub.testing.Tokens;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.response.Response;

/**
 * Every endpoint of the tenancy surface, called by every kind of caller: the expected status for
 * each, and organisation B's data never in anything organisation A receives.
 */
@QuarkusTest
class TenantIsolationMatrixTest {

    static Api ownerA, adminA, memberA, viewerA, ownerB, memberB, platform;
    static String orgA, orgB, memberAId, memberBId, promptB, mcpB, chatB, userSessionB, apiKeyB, personalMcpOwnerA, b;

    @BeforeEach
    void world() {
        if (ownerA != null) {
            return;
        }
        String a = Tokens.unique("org-a");
        b = Tokens.unique("org-b");
        ownerA = Api.signIn(Tokens.unique("owner-a"), a, "owner");
        adminA = Api.signIn(Tokens.unique("admin-a"), a, "admin");
        memberA = Api.signIn(Tokens.unique("member-a"), a, "member");
        viewerA = Api.signIn(Tokens.unique("viewer-a"), a, "viewer");
        ownerB = Api.signIn(Tokens.unique("owner-b"), b, "owner");
        memberB = Api.signIn(Tokens.unique("member-b"), b, "member");
        platform = Api.signIn("platform-admin", "platform", "owner");
        orgA = ownerA.orgId();
        orgB = ownerB.orgId();
        memberAId = memberA.id();
        memberBId = memberB.id();
        promptB = ownerB.request().body(Map.of("scope", "organization", "name", "secret-b-prompt", "content", "B only"))
                .post("/api/system-prompts").then().statusCode(201).extract().path("id");
        mcpB = ownerB.request().body(Map.of("scope", "organization", "name", "secret-b-server", "transport", "http",
                "url", "https://b.example/mcp")).post("/api/mcp/configurations").then().statusCode(201).extract().path("id");
        chatB = ownerB.request().body(Map.of("agent", "droid", "model", "gpt-4", "title", "secret-b-chat"))
                .post("/api/chat/sessions").then().statusCode(201).extract().path("id");
        userSessionB = ownerB.request().get("/api/me/sessions").then().statusCode(200).extract().path("items[0].id");
        apiKeyB = ownerB.request().body(Map.of("name", "B only")).post("/api/me/api-keys").then().statusCode(201)
                .extract().path("apiKey.id");
        personalMcpOwnerA = ownerA.request().body(Map.of("scope", "personal", "name", "owner-a-private", "transport", "stdio",
                "command", "npx")).post("/api/mcp/configurations").then().statusCode(201).extract().path("id");
    }

    /** One endpoint call: method, path, body. */
    record Call(String method, String path, Object body) {
        Response by(Api api) {
            var request = api == null ? given().contentType(ContentType.JSON) : api.request();
            return send(request, this);
        }

        Response withToken(String token) {
            return send(given().auth().oauth2(token).contentType(ContentType.JSON), this);
        }

        static Response send(io.restassured.specification.RequestSpecification request, Call call) {
            if (call.body != null) {
                request = request.body(call.body);
            }
            return request.request(call.method, call.path);
        }
    }

    static Call get(String path) {
        return new Call("GET", path, null);
    }

    static Call call(String method, String path, Object body) {
        return new Call(method, path, body);
    }

    @Test
    void everyEndpointRefusesMissingAndBrokenTokensWith401() {
        String sub = Tokens.unique("broken");
        Map<String, String> tokens = Map.of(
                "expired", Tokens.expired(sub, b, "owner"),
                "forged", Tokens.forged(sub, b, "owner"),
                "wrong issuer", Tokens.wrongIssuer(sub, b, "owner"),
                "wrong audience", Tokens.wrongAudience(sub, b, "owner"),
                "garbage", "not-a-jwt");
        for (Call c : allEndpoints()) {
            Response none = c.by(null);
            assertThat(none.statusCode()).as("no token: " + c).isEqualTo(401);
            assertThat(none.contentType()).startsWith("application/problem+json");
            assertThat(none.header("WWW-Authenticate")).isEqualTo("Bearer");
            tokens.forEach((kind, token) -> assertThat(c.withToken(token).statusCode()).as(kind + ": " + c).isEqualTo(401));
        }
    }

    /** Every documented operation, any id; writes carry an empty object, since authentication comes first. */
    List<Call> allEndpoints() {
        String any = "00000000-0000-0000-0000-000000000001";
        return Operations.api().stream()
                .map(op -> new Call(op.method(), op.path(p -> any), op.write() ? Map.of() : null))
                .toList();
    }

    @Test
    void viewersAreRefusedEveryWriteBeforeAnythingIsLookedUp() {
        String unknown = "00000000-0000-0000-0000-0000000000aa";
        for (Operations.Operation op : Operations.api()) {
            if (!op.write()) {
                continue;
            }
            Response response = new Call(op.method(), op.path(p -> p.equals("name") ? "droid" : unknown), Map.of()).by(viewerA);
            if (op.template().startsWith("/api/me/")) {
                // one's own sessions and keys are not the organisation's: an unknown id, or a body refused
                assertThat(response.statusCode()).as(op.toString()).isIn(400, 404);
            } else {
                assertThat(response.statusCode()).as(op + " -> " + response.asString()).isEqualTo(403);
            }
            assertThat(response.contentType()).startsWith("application/problem+json");
        }
    }

    @Test
    void rolesDecideWhatEachCallerMayDo() {
        Map<String, Api> callers = new LinkedHashMap<>();
        callers.put("owner", ownerA);
        callers.put("admin", adminA);
        callers.put("member", memberA);
        callers.put("viewer", viewerA);
        callers.put("platform", platform);
        // expected status per caller, in the order owner, admin, member, viewer, platform admin
        Map<String, int[]> expected = new LinkedHashMap<>();
        expected.put("GET /api/me", new int[] {200, 200, 200, 200, 200});
        expected.put("GET /api/me/sessions", new int[] {200, 200, 200, 200, 200});
        expected.put("GET /api/organizations/current", new int[] {200, 200, 200, 200, 200});
        expected.put("PATCH /api/organizations/current", new int[] {200, 200, 403, 403, 200});
        expected.put("GET /api/admin/organizations", new int[] {403, 403, 403, 403, 200});
        expected.put("GET /api/users", new int[] {200, 200, 200, 200, 200});
        expected.put("GET /api/users/memberA", new int[] {200, 200, 200, 200, 404});
        expected.put("PATCH /api/users/memberA", new int[] {200, 200, 403, 403, 404});
        expected.put("POST /api/system-prompts organization", new int[] {201, 201, 403, 403, 201});
        expected.put("POST /api/system-prompts user", new int[] {201, 201, 201, 403, 201});
        expected.put("POST /api/system-prompts global", new int[] {403, 403, 403, 403, 201});
        expected.put("POST /api/mcp/configurations organization", new int[] {201, 201, 403, 403, 201});
        expected.put("POST /api/mcp/configurations personal", new int[] {201, 201, 201, 403, 201});
        expected.put("GET /api/audit-logs", new int[] {200, 200, 403, 403, 200});
        expected.put("GET /api/admin/audit-log", new int[] {403, 403, 403, 403, 200});
        int column = 0;
        for (var entry : callers.entrySet()) {
            Api api = entry.getValue();
            int col = column++;
            Function<String, Call> calls = key -> switch (key) {
                case "PATCH /api/organizations/current" -> call("PATCH", "/api/organizations/current", Map.of("maxUsers", 100 + col));
                case "GET /api/users/memberA" -> get("/api/users/" + memberAId);
                case "PATCH /api/users/memberA" -> call("PATCH", "/api/users/" + memberAId, Map.of("displayName", "Member " + col));
                case "POST /api/system-prompts organization", "POST /api/system-prompts user", "POST /api/system-prompts global" ->
                    call("POST", "/api/system-prompts", Map.of("scope", key.substring(key.lastIndexOf(' ') + 1),
                            "name", Tokens.unique("p"), "content", "c"));
                case "POST /api/mcp/configurations organization", "POST /api/mcp/configurations personal" ->
                    call("POST", "/api/mcp/configurations", Map.of("scope", key.substring(key.lastIndexOf(' ') + 1),
                            "name", Tokens.unique("m"), "transport", "http", "url", "https://a.example/mcp"));
                default -> get(key.substring(key.indexOf(' ') + 1));
            };
            expected.forEach((key, statuses) -> {
                Response response = calls.apply(key).by(api);
                assertThat(response.statusCode()).as(entry.getKey() + ": " + key + " -> " + response.asString())
                        .isEqualTo(statuses[col]);
                if (api != platform) {
                    assertThat(response.asString()).as(entry.getKey() + ": " + key).doesNotContain(orgB).doesNotContain("secret-b-");
                }
                if (response.statusCode() >= 400) {
                    assertThat(response.contentType()).startsWith("application/problem+json");
                }
            });
        }
    }

    /**
     * Organisation B's resource for each operation with an id in its path, by path prefix. A new
     * operation whose path matches none fails the test until it is added here.
     */
    String resourceOfB(Operations.Operation op, String parameter) {
        if (parameter.equals("name") || parameter.equals("model")) {
            return parameter.equals("name") ? "droid" : "gpt-4"; // the agent catalogue is shared by every organisation
        }
        Map<String, String> byPrefix = new LinkedHashMap<>();
        byPrefix.put("/api/users/", memberBId);
        byPrefix.put("/api/system-prompts/", promptB);
        byPrefix.put("/api/mcp/configurations/", mcpB);
        byPrefix.put("/api/chat/sessions/", chatB);
        byPrefix.put("/api/me/sessions/", userSessionB);
        byPrefix.put("/api/me/api-keys/", apiKeyB);
        byPrefix.put("/api/admin/organizations/", orgB);
        return byPrefix.entrySet().stream().filter(e -> op.template().startsWith(e.getKey())).map(Map.Entry::getValue)
                .findFirst()
                .orElseThrow(() -> new AssertionError("no resource of organisation B for " + op + "; add one to resourceOfB"));
    }

    @Test
    void anotherOrganisationsResourcesAreNotFound() {
        List<Operations.Operation> withIds = Operations.api().stream()
                .filter(op -> op.parameters().stream().anyMatch(p -> !p.equals("name") && !p.equals("model")))
                .toList();
        assertThat(withIds).hasSizeGreaterThan(10);
        for (Api a : List.of(ownerA, adminA, memberA, viewerA)) {
            for (Operations.Operation op : withIds) {
                Response r = new Call(op.method(), op.path(p -> resourceOfB(op, p)), op.write() ? Map.of() : null).by(a);
                // 400 is a body refused before any lookup; 403 a role refused whatever the id
                assertThat(r.statusCode()).as(a.subject() + " " + op + " -> " + r.asString()).isIn(400, 403, 404);
                // a caller who may read must not learn that B's id exists
                if (!op.template().startsWith("/api/admin/") && (a == ownerA || a == adminA || !op.write())) {
                    assertThat(r.statusCode()).as(a.subject() + " " + op + " -> " + r.asString()).isIn(400, 404);
                }
                assertThat(r.asString()).doesNotContain("secret-b-").doesNotContain("B only");
            }
        }
        // a colleague's personal configuration is as invisible as another organisation's
        memberA.request().get("/api/mcp/configurations/" + personalMcpOwnerA).then().statusCode(404);
        // nothing of B changed
        ownerB.request().get("/api/system-prompts/" + promptB).then().statusCode(200).body("content", equalTo("B only"));
        ownerB.request().get("/api/mcp/configurations/" + mcpB).then().statusCode(200).body("enabled", equalTo(true));
        ownerB.request().get("/api/users/" + memberBId).then().statusCode(200).body("role", equalTo("member"));
        ownerB.request().get("/api/chat/sessions/" + chatB).then().statusCode(200).body("title", equalTo("secret-b-chat"));
        ownerB.request().get("/api/me/sessions").then().statusCode(200).body("items.id", hasItem(userSessionB));
    }

    @Test
    void listsNeverContainAnotherOrganisationsRows() {
        for (Api a : List.of(ownerA, memberA, viewerA)) {
            for (String path : List.of("/api/users?limit=100", "/api/system-prompts?limit=100", "/api/mcp/configurations?limit=100",
                    "/api/mcp/configurations/effective?limit=100", "/api/mcp/configurations/effective/export",
                    "/api/system-prompts/effective", "/api/organizations/current", "/api/me/sessions")) {
                String body = a.request().get(path).then().statusCode(200).extract().asString();
                assertThat(body).as(path).doesNotContain(orgB).doesNotContain(memberBId).doesNotContain("secret-b-");
            }
        }
        String audit = ownerA.request().get("/api/audit-logs?limit=100").then().statusCode(200).extract().asString();
        assertThat(audit).doesNotContain(orgB).doesNotContain("secret-b-");
    }
}
