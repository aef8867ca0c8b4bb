package io.agenthub.web;

import static org.assertj.core.api.Assertions.assertThat;
import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.not;
import static org.hamcrest.Matchers.notNullValue;
import static org.hamcrest.Matchers.containsString;

import java.util.Map;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import io.agenthub.testing.Api;
import io.agenthub.testing.Tokens;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;

/** Every class of bad input gets a precise 4xx problem+json, and nothing stored is lost. */
@QuarkusTest
class ProblemResponsesTest {

    static Api owner;

    @BeforeEach
    void signIn() {
        if (owner == null) {
            owner = Api.signIn(Tokens.unique("owner"), Tokens.unique("problems"), "owner");
        }
    }

    @Test
    void malformedJsonIs400() {
        owner.request().body("{\"scope\": \"user\", ").post("/api/system-prompts")
                .then().statusCode(400).contentType("application/problem+json")
                .body("title", equalTo("Bad Request"))
                .body("detail", equalTo("The request body is not valid JSON."))
                .body("requestId", notNullValue())
                .body(not(containsString("Exception")));
    }

    @Test
    void wrongTypeNamesTheField() {
        owner.request().body("{\"scope\": \"user\", \"name\": \"n\", \"content\": \"c\", \"priority\": \"high\"}")
                .post("/api/system-prompts")
                .then().statusCode(400).contentType("application/problem+json")
                .body("errors.field", hasItem("priority"));
    }

    @Test
    void unknownFieldsAreRejected() {
        owner.request().body(Map.of("scope", "user", "name", "n", "content", "c", "admin", true)).post("/api/system-prompts")
                .then().statusCode(400).contentType("application/problem+json")
                .body("errors[0].field", equalTo("admin"))
                .body("errors[0].message", equalTo("unknown field"));
    }

    @Test
    void validationErrorsListEveryOffendingField() {
        owner.request().body(Map.of("scope", "galaxy", "name", "", "content", "c", "priority", -1)).post("/api/system-prompts")
                .then().statusCode(400).contentType("application/problem+json")
                .body("errors.field", hasItem("scope"))
                .body("errors.field", hasItem("name"))
                .body("errors.field", hasItem("priority"));
        owner.request().body(Map.of("scope", "personal", "name", "bad name!", "transport", "stdio", "command", "x"))
                .post("/api/mcp/configurations")
                .then().statusCode(400).body("errors.field", hasItem("name"));
        owner.request().body(Map.of("scope", "personal", "name", "web", "transport", "http"))
                .post("/api/mcp/configurations")
                .then().statusCode(400).body("errors[0].field", equalTo("url"));
    }

    @Test
    void missingBodyIs400() {
        owner.request().post("/api/system-prompts").then().statusCode(400).contentType("application/problem+json");
    }

    @Test
    void oversizedBodyIs413() {
        String huge = "x".repeat(1_100_000);
        owner.request().body(Map.of("scope", "user", "name", "big", "content", huge)).post("/api/system-prompts")
                .then().statusCode(413).contentType("application/problem+json");
    }

    @Test
    void tooLongContentIs400() {
        owner.request().body(Map.of("scope", "user", "name", "long", "content", "x".repeat(100_001))).post("/api/system-prompts")
                .then().statusCode(400).body("errors.field", hasItem("content"));
    }

    @Test
    void paginationParametersAreChecked() {
        owner.request().get("/api/users?limit=101").then().statusCode(400).body("errors.field", hasItem("limit"));
        owner.request().get("/api/users?limit=0").then().statusCode(400);
        owner.request().get("/api/users?limit=abc").then().statusCode(400).contentType("application/problem+json");
        owner.request().get("/api/users?cursor=not-a-cursor").then().statusCode(400).body("errors.field", hasItem("cursor"));
    }

    @Test
    void malformedIdsAre400AndUnknownRoutes404() {
        owner.request().get("/api/users/not-a-uuid").then().statusCode(400).contentType("application/problem+json");
        owner.request().get("/api/nothing-here").then().statusCode(404).contentType("application/problem+json");
    }

    @Test
    void wrongMethodAndMediaTypeAreProblems() {
        owner.request().put("/api/me").then().statusCode(405).contentType("application/problem+json");
        given().auth().oauth2(owner.token()).contentType(ContentType.TEXT).body("hello").post("/api/system-prompts")
                .then().statusCode(415).contentType("application/problem+json");
    }

    @Test
    void duplicatesAre409AndKeepTheOriginal() {
        String id = owner.request().body(Map.of("scope", "organization", "name", "dup", "transport", "stdio", "command", "one"))
                .post("/api/mcp/configurations").then().statusCode(201).extract().path("id");
        owner.request().body(Map.of("scope", "organization", "name", "dup", "transport", "stdio", "command", "two"))
                .post("/api/mcp/configurations").then().statusCode(409).contentType("application/problem+json");
        owner.request().get("/api/mcp/configurations/" + id).then().statusCode(200).body("command", equalTo("one"));
    }

    @Test
    void badWorkspaceHeaderIs400() {
        owner.request().header("X-Workspace-Context", "[1,2]").get("/api/me")
                .then().statusCode(400).body("errors[0].field", equalTo("X-Workspace-Context"));
    }

    @Test
    void clientRequestIdIsEchoed() {
        // the hub's own id, with the client's beside it; an insane client id is dropped
        String id = owner.request().header("X-Request-Id", "trace-123").get("/api/users/not-a-uuid")
                .then().statusCode(400).header("X-Client-Request-Id", "trace-123").extract().header("X-Request-Id");
        assertThat(id).isNotEqualTo("trace-123").matches("[0-9a-f-]{36}");
        owner.request().header("X-Request-Id", "x".repeat(129)).get("/api/users/not-a-uuid").then().statusCode(400)
                .header("X-Client-Request-Id", org.hamcrest.Matchers.nullValue());
    }

    @Test
    void nulCharactersAre400NamingTheFieldWhereverTheyArrive() {
        String session = owner.request().body(Map.of("agent", "droid", "model", "gpt-4", "title", "kept"))
                .post("/api/chat/sessions").then().statusCode(201).extract().path("id");
        owner.request().body("{\"content\":\"a\\u0000b\"}").post("/api/chat/sessions/" + session + "/messages")
                .then().statusCode(400).contentType("application/problem+json")
                .body("errors[0].field", equalTo("content")).body("requestId", notNullValue());
        owner.request().body("{\"title\":\"x\\u0000\"}").patch("/api/chat/sessions/" + session)
                .then().statusCode(400).body("errors[0].field", equalTo("title"));
        owner.request().body("{\"settings\":{\"a\\u0000\":1}}").patch("/api/organizations/current")
                .then().statusCode(400).body("errors[0].field", equalTo("settings"));
        owner.request().urlEncodingEnabled(false).get("/api/chat/sessions?q=%00")
                .then().statusCode(400).contentType("application/problem+json").body("errors[0].field", equalTo("q"));
        owner.request().urlEncodingEnabled(false).get("/api/audit-logs?resourceType=%00")
                .then().statusCode(400).body("errors[0].field", equalTo("resourceType"));
        owner.request().urlEncodingEnabled(false).get("/api/agents/dr%00oid/models")
                .then().statusCode(400).contentType("application/problem+json").body("errors[0].field", equalTo("path"));
        owner.request().header("X-Workspace-Context", "{\"a\":\"\\u0000\"}").get("/api/me")
                .then().statusCode(400).body("errors[0].field", equalTo("X-Workspace-Context"));
        owner.request().get("/api/chat/sessions/" + session).then().statusCode(200).body("title", equalTo("kept"));
    }

    @Test
    void duplicateJsonKeysAre400() {
        owner.request().body("{\"scope\":\"user\",\"name\":\"a\",\"name\":\"b\",\"content\":\"c\"}")
                .post("/api/system-prompts")
                .then().statusCode(400).contentType("application/problem+json")
                .body("errors[0].field", equalTo("name")).body("errors[0].message", equalTo("duplicate field"));
    }

    @Test
    void bodiesThatCannotBeMappedAre400() {
        owner.request().body("[1,2]").post("/api/system-prompts")
                .then().statusCode(400).contentType("application/problem+json");
        owner.request().body("\"text\"").patch("/api/organizations/current")
                .then().statusCode(400).contentType("application/problem+json");
    }

    @Test
    void everyUniqueViolationIs409NamingTheField() {
        for (String scope : new String[] { "user", "organization" }) {
            Map<String, Object> prompt = Map.of("scope", scope, "name", "same-" + scope, "content", "first");
            String id = owner.request().body(prompt).post("/api/system-prompts").then().statusCode(201).extract().path("id");
            owner.request().body(Map.of("scope", scope, "name", "same-" + scope, "content", "second")).post("/api/system-prompts")
                    .then().statusCode(409).contentType("application/problem+json")
                    .body("errors[0].field", equalTo("name"));
            owner.request().get("/api/system-prompts/" + id).then().statusCode(200).body("content", equalTo("first"));
        }
    }

    @Test
    void httpLayerRefusalsAreProblems() {
        given().auth().oauth2(owner.token()).get("/api/users?q=" + "x".repeat(10_000))
                .then().statusCode(414).contentType("application/problem+json").body("requestId", notNullValue());
        given().auth().oauth2(owner.token()).get("/api/users/" + "x".repeat(10_000))
                .then().statusCode(414).contentType("application/problem+json");
        given().auth().oauth2(owner.token()).header("X-Big", "y".repeat(60_000)).get("/api/me")
                .then().statusCode(431).contentType("application/problem+json").body("requestId", notNullValue());
    }

}
