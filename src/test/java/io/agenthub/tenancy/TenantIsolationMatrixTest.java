package io.agenthub.tenancy;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.equalTo;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import io.agenthub.testing.Api;
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
    static String orgA, orgB, memberAId, memberBId, promptB, mcpB, personalMcpOwnerA, b;

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

    List<Call> allEndpoints() {
        String any = "00000000-0000-0000-0000-000000000001";
        return List.of(get("/api/me"), get("/api/me/sessions"), call("DELETE", "/api/me/sessions/" + any, null),
                get("/api/organizations/current"), call("PATCH", "/api/organizations/current", Map.of("name", "x")),
                get("/api/admin/organizations"), call("POST", "/api/admin/organizations", Map.of("name", "x", "slug", "x")),
                get("/api/admin/organizations/" + any), call("POST", "/api/admin/organizations/" + any + "/suspend", Map.of()),
                get("/api/users"), get("/api/users/" + any), call("PATCH", "/api/users/" + any, Map.of("role", "member")),
                get("/api/system-prompts"), get("/api/system-prompts/effective"), get("/api/system-prompts/" + any),
                call("POST", "/api/system-prompts", Map.of("scope", "user", "name", "n", "content", "c")),
                call("PATCH", "/api/system-prompts/" + any, Map.of("name", "n")), call("DELETE", "/api/system-prompts/" + any, null),
                get("/api/mcp/configurations"), get("/api/mcp/configurations/effective"),
                get("/api/mcp/configurations/effective/export"), get("/api/mcp/configurations/" + any),
                call("POST", "/api/mcp/configurations", Map.of("scope", "personal", "name", "n", "transport", "stdio", "command", "c")),
                call("PATCH", "/api/mcp/configurations/" + any, Map.of("enabled", false)),
                call("DELETE", "/api/mcp/configurations/" + any, null),
                get("/api/audit-logs"), get("/api/admin/audit-log"));
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

    @Test
    void anotherOrganisationsResourcesAreNotFound() {
        for (Api a : List.of(ownerA, adminA, memberA, viewerA)) {
            List<Call> probes = new ArrayList<>(List.of(
                    get("/api/users/" + memberBId),
                    call("PATCH", "/api/users/" + memberBId, Map.of("role", "viewer")),
                    get("/api/system-prompts/" + promptB),
                    call("PATCH", "/api/system-prompts/" + promptB, Map.of("content", "pwned")),
                    call("DELETE", "/api/system-prompts/" + promptB, null),
                    get("/api/mcp/configurations/" + mcpB),
                    call("PATCH", "/api/mcp/configurations/" + mcpB, Map.of("enabled", false)),
                    call("DELETE", "/api/mcp/configurations/" + mcpB, null)));
            for (Call probe : probes) {
                Response r = probe.by(a);
                assertThat(r.statusCode()).as(a.subject() + " " + probe).isIn(403, 404);
                // a caller without the role gets 403 whatever the id; one with it must not learn the id exists
                if (a == ownerA || a == adminA || probe.method().equals("GET")) {
                    assertThat(r.statusCode()).as(a.subject() + " " + probe).isEqualTo(404);
                }
                assertThat(r.asString()).doesNotContain("secret-b-");
            }
        }
        // a colleague's personal configuration is as invisible as another organisation's
        memberA.request().get("/api/mcp/configurations/" + personalMcpOwnerA).then().statusCode(404);
        // nothing of B changed
        ownerB.request().get("/api/system-prompts/" + promptB).then().statusCode(200).body("content", equalTo("B only"));
        ownerB.request().get("/api/mcp/configurations/" + mcpB).then().statusCode(200).body("enabled", equalTo(true));
        ownerB.request().get("/api/users/" + memberBId).then().statusCode(200).body("role", equalTo("member"));
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
