package io.agenthub.chat;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.notNullValue;

import java.util.Map;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import io.agenthub.testing.Api;
import io.agenthub.testing.Database;
import io.agenthub.testing.FakeProviders;
import io.agenthub.testing.InjectFake;
import io.agenthub.testing.PackagedServices;
import io.agenthub.testing.Tokens;
import io.agenthub.testing.Turns;
import io.quarkus.test.common.TestResourceScope;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusIntegrationTest;

/** Whole chat turns through the packaged application, against the local OpenRouter and Vertex AI servers. */
@QuarkusIntegrationTest
@WithTestResource(value = FakeProviders.class, scope = TestResourceScope.GLOBAL)
@WithTestResource(PackagedServices.class)
class ChatTurnIT {

    @InjectFake
    FakeProviders fake;

    Api user;

    @BeforeEach
    void signIn() {
        fake.reset();
        user = Api.signIn(Tokens.unique("it-chatter"), Tokens.unique("it-chat-org"), "owner");
    }

    @AfterEach
    void everyTurnEnded() throws Exception {
        Turns.assertEveryTurnEnded(user);
    }

    String session(String agent, String model) {
        return user.request().body(Map.of("agent", agent, "model", model)).post("/api/chat/sessions").then().statusCode(201)
                .extract().path("id");
    }

    @Test
    void aJsonTurnIsAnsweredStoredAndRecorded() throws Exception {
        user.request().body(Map.of("scope", "user", "name", "me", "content", "Call me Ada."))
                .post("/api/system-prompts").then().statusCode(201);
        String id = session("droid", "claude-3-opus");
        user.request().body(Map.of("content", "Hello from the packaged build")).post("/api/chat/sessions/" + id + "/messages")
                .then().statusCode(200)
                .body("assistantMessage.content", equalTo("droid(anthropic/claude-3-opus) heard: Hello from the packaged build"))
                .body("usage.inputTokens", equalTo(12)).body("usage.outputTokens", equalTo(7))
                .body("executionId", notNullValue()).body("status", equalTo("success"));
        assertThat(fake.openRouterRequests.get(0).path("messages").findValuesAsText("content"))
                .containsSubsequence("Call me Ada.", "Hello from the packaged build");
        user.request().get("/api/chat/sessions/" + id + "/messages").then().statusCode(200)
                .body("items.size()", equalTo(2)).body("items[0].role", equalTo("user"));
    }

    @Test
    void aStreamedTurnSendsDeltasThenDoneFromVertexAi() throws Exception {
        String id = session("ccrouter", "gemini-1.5-pro");
        String body = given().auth().oauth2(user.token()).contentType("application/json").accept("text/event-stream")
                .body(Map.of("content", "hola")).post("/api/chat/sessions/" + id + "/messages")
                .then().statusCode(200).contentType(org.hamcrest.Matchers.startsWith("text/event-stream"))
                .extract().asString();
        assertThat(body).containsPattern("event: ?delta").containsPattern("event: ?done").contains("\"inputTokens\":40").contains("\"outputTokens\":9");
        assertThat(fake.vertexPaths.get(0)).endsWith(":streamGenerateContent?alt=sse");
        user.request().get("/api/chat/sessions/" + id + "/messages").then().statusCode(200)
                .body("items[1].content", equalTo("ccrouter streams too"));
        assertThat(Database.countAsSystem("""
                SELECT count(*) FROM agent_executions
                WHERE session_id = ?::uuid AND status = 'success' AND streamed AND time_to_first_token_ms IS NOT NULL""", id))
                .isEqualTo(1);
    }
}
