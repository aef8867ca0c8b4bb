package io.agenthub.chat;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.URL;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import io.agenthub.testing.Api;
import io.agenthub.testing.Database;
import io.agenthub.testing.FakeProviders.ScriptedStream;
import io.agenthub.testing.FakeProviders;
import io.agenthub.testing.InjectFake;
import io.agenthub.testing.Tokens;
import io.agenthub.testing.Turns;
import io.quarkus.test.common.TestResourceScope;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;

@QuarkusTest
@WithTestResource(value = FakeProviders.class, scope = TestResourceScope.GLOBAL)
class StreamingChatTest {

    @InjectFake
    FakeProviders fake;

    @TestHTTPResource("/")
    URL base;

    Api user;
    Api platform;

    @BeforeEach
    void signIn() {
        fake.reset();
        user = Api.signIn(Tokens.unique("streamer"), Tokens.unique("stream-org"), "owner");
        platform = Api.signIn("platform-admin", "platform", "owner");
    }

    @AfterEach
    void restore() throws Exception {
        Turns.assertEveryTurnEnded(user);
        platform.request().body(Map.of("streamIdleTimeoutMs", 30000, "firstTokenTimeoutMs", 30000, "maxConcurrentCalls", 32))
                .patch("/api/agents/droid").then().statusCode(200);
    }

    String session(String agent, String model) {
        return user.request().body(Map.of("agent", agent, "model", model)).post("/api/chat/sessions").then().statusCode(201)
                .extract().path("id");
    }

    /** The events of a whole stream as "name data" lines. */
    List<String> events(String sessionId, String content) {
        String body = given().auth().oauth2(user.token()).contentType("application/json").accept("text/event-stream")
                .body(Map.of("content", content)).post("/api/chat/sessions/" + sessionId + "/messages")
                .then().statusCode(200).extract().asString();
        List<String> events = new ArrayList<>();
        String name = "message";
        for (String line : body.split("\n")) {
            if (line.startsWith("event:")) {
                name = line.substring(6).strip();
            } else if (line.startsWith("data:")) {
                events.add(name + " " + line.substring(5).strip());
                name = "message";
            }
        }
        return events;
    }

    /**
     * More concurrent streams than an HTTP client's default pool (5 per host) are all open at the
     * provider at once: only the agent's own limit may make a stream wait.
     */
    @Test
    void twelveConcurrentStreamsAreAllOpenAtTheProviderAtOnce() throws Exception {
        int streams = 12;
        fake.holdStreamsUntil(streams);
        List<String> sessions = new ArrayList<>();
        for (int i = 0; i < streams; i++) {
            sessions.add(session("droid", "gpt-4"));
        }
        java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newFixedThreadPool(streams);
        try {
            List<java.util.concurrent.Future<List<String>>> replies = new ArrayList<>();
            for (String id : sessions) {
                replies.add(pool.submit(() -> events(id, "all at once")));
            }
            for (java.util.concurrent.Future<List<String>> reply : replies) {
                assertThat(reply.get(30, java.util.concurrent.TimeUnit.SECONDS).get(reply.get().size() - 1)).startsWith("done ");
            }
        } finally {
            pool.shutdown();
        }
        assertThat(fake.mostOpenStreams.get()).as("streams open at the provider at the same time").isGreaterThanOrEqualTo(streams);
    }

    @Test
    void droidStreamsDeltasThenDoneAndTheExecutionIsRecorded() throws Exception {
        String id = session("droid", "gpt-4");
        List<String> events = events(id, "stream please");
        assertThat(events.subList(0, events.size() - 1)).allMatch(e -> e.startsWith("delta "));
        assertThat(String.join("", events.stream().filter(e -> e.startsWith("delta ")).map(e -> e.replaceAll("^delta \\{\"text\":\"(.*)\"}$", "$1")).toList()))
                .isEqualTo("droid(openai/gpt-4) streams back");
        assertThat(events.get(events.size() - 1)).startsWith("done ").contains("\"executionId\"").contains("\"inputTokens\":30")
                .contains("\"outputTokens\":5");
        assertThat(fake.openRouterRequests.get(0).path("stream").asBoolean()).isTrue();
        assertThat(Database.countAsSystem("""
                    SELECT count(*) FROM agent_executions e JOIN chat_messages m ON m.id = e.assistant_message_id
                    WHERE e.session_id = ?::uuid AND e.status = 'success' AND e.streamed AND e.time_to_first_token_ms IS NOT NULL
                      AND m.status = 'complete' AND m.content = 'droid(openai/gpt-4) streams back'""", id)).isEqualTo(1);
        // the hub's own work (the turn's first transaction before the call, the relay's end after it) is not 0
        assertThat(Database.countAsSystem("""
                    SELECT count(*) FROM agent_executions WHERE session_id = ?::uuid AND streamed AND hub_overhead_ms > 0""", id))
                .isEqualTo(1);
    }

    @Test
    void aStreamHoldsItsConcurrencyPermitUntilItEnds() throws Exception {
        platform.request().body(Map.of("maxConcurrentCalls", 1)).patch("/api/agents/droid").then().statusCode(200);
        String first = session("droid", "gpt-4");
        String second = session("droid", "gpt-4");
        List<String> words = new ArrayList<>();
        for (int i = 0; i < 6; i++) {
            words.add("data: {\"choices\":[{\"index\":0,\"delta\":{\"content\":\"w" + i + " \"}}]}");
        }
        words.add("data: [DONE]");
        fake.scriptStream(new ScriptedStream(words, 250, 0));
        var pool = java.util.concurrent.Executors.newSingleThreadExecutor();
        try {
            var slow = pool.submit(() -> events(first, "a long one"));
            long deadline = System.nanoTime() + 10_000_000_000L;
            while (fake.openRouterRequests.isEmpty() && System.nanoTime() < deadline) {
                Thread.sleep(20);
            }
            Thread.sleep(200);
            // the first stream is open and sending: a second one is refused at once, without reaching the provider
            List<String> refused = events(second, "me too");
            assertThat(refused).hasSize(1);
            assertThat(refused.get(0)).startsWith("error ").contains("\"status\":503").contains("concurrency limit");
            assertThat(fake.openRouterRequests).hasSize(1);
            assertThat(slow.get(20, java.util.concurrent.TimeUnit.SECONDS)).last().asString().startsWith("done ");
        } finally {
            pool.shutdownNow();
        }
        // the permit came back when the first stream ended, and a refusal never counted against the provider
        assertThat(events(second, "now").get(events(second, "again").size() - 1)).startsWith("done ");
        user.request().get("/api/agents/droid/circuit-breaker").then().statusCode(200)
                .body("state", org.hamcrest.Matchers.equalTo("closed"));
        assertThat(Database.countAsSystem("SELECT count(*) FROM agent_executions WHERE session_id = ?::uuid AND status = 'rejected'",
                    second)).isEqualTo(1);
    }

    @Test
    void ccrouterStreamsFromVertexAiSse() {
        String id = session("ccrouter", "gemini-1.5-pro");
        List<String> events = events(id, "hola");
        assertThat(events.get(events.size() - 1)).startsWith("done ").contains("\"inputTokens\":40").contains("\"outputTokens\":9");
        assertThat(fake.vertexPaths.get(0)).endsWith(":streamGenerateContent?alt=sse");
        user.request().get("/api/chat/sessions/" + id + "/messages").then().statusCode(200)
                .body("items[1].content", org.hamcrest.Matchers.equalTo("ccrouter streams too"));
    }

    @Test
    void anErrorMidStreamKeepsThePartialReplyMarked() throws Exception {
        String id = session("droid", "gpt-4");
        fake.scriptStream(new ScriptedStream(List.of(
                "data: {\"choices\":[{\"index\":0,\"delta\":{\"content\":\"Half an \"}}]}",
                "data: {\"choices\":[{\"index\":0,\"delta\":{\"content\":\"answer\"}}]}",
                "data: {\"error\":{\"code\":502,\"message\":\"Provider disconnected\"},\"choices\":[{\"index\":0,\"delta\":{\"content\":\"\"},\"finish_reason\":\"error\"}]}"),
                5, 0));
        List<String> events = events(id, "go");
        assertThat(events.get(events.size() - 1)).startsWith("error ").contains("Provider disconnected");
        assertThat(Database.countAsSystem("""
                    SELECT count(*) FROM agent_executions e JOIN chat_messages m ON m.id = e.assistant_message_id
                    WHERE e.session_id = ?::uuid AND e.status = 'error' AND m.status = 'partial' AND m.content = 'Half an answer'""",
                    id)).isEqualTo(1);
    }

    @Test
    void aMalformedChunkEndsTheStreamCleanlyAndKeepsWhatArrived() throws Exception {
        String id = session("droid", "gpt-4");
        fake.scriptStream(new ScriptedStream(List.of(
                "data: {\"choices\":[{\"index\":0,\"delta\":{\"content\":\"So far \"}}]}",
                "data: {\"choices\":[{\"index\":0,\"delta\":{\"content\":\"so good\"",
                "data: [DONE]"), 5, 0));
        List<String> events = events(id, "go");
        assertThat(events.get(events.size() - 1)).startsWith("error ").contains("\"status\":502").contains("malformed");
        assertThat(Database.countAsSystem("""
                    SELECT count(*) FROM agent_executions e JOIN chat_messages m ON m.id = e.assistant_message_id
                    WHERE e.session_id = ?::uuid AND e.status = 'error' AND e.error_code = 'malformed_response'
                      AND m.status = 'partial' AND m.content = 'So far '""", id)).isEqualTo(1);
    }

    @Test
    void aSlowFirstTokenTimesOutEvenWhileTheProviderSendsKeepAlives() throws Exception {
        platform.request().body(Map.of("firstTokenTimeoutMs", 400)).patch("/api/agents/droid").then().statusCode(200);
        String id = session("droid", "gpt-4");
        fake.scriptStream(new ScriptedStream(List.of(": OPENROUTER PROCESSING", ": OPENROUTER PROCESSING",
                "data: {\"choices\":[{\"index\":0,\"delta\":{\"content\":\"too late\"}}]}"), 300, 0));
        List<String> events = events(id, "hurry");
        assertThat(events).singleElement().asString().startsWith("error ").contains("\"status\":504");
        assertThat(Database.countAsSystem("""
                    SELECT count(*) FROM agent_executions
                    WHERE session_id = ?::uuid AND status = 'timeout' AND time_to_first_token_ms IS NULL""", id)).isEqualTo(1);
    }

    @Test
    void aStalledStreamTimesOut() throws Exception {
        platform.request().body(Map.of("streamIdleTimeoutMs", 400)).patch("/api/agents/droid").then().statusCode(200);
        String id = session("droid", "gpt-4");
        fake.scriptStream(new ScriptedStream(List.of("data: {\"choices\":[{\"index\":0,\"delta\":{\"content\":\"and then\"}}]}"), 0, 3000));
        List<String> events = events(id, "stall");
        assertThat(events.get(events.size() - 1)).startsWith("error ").contains("504");
        assertThat(Database.countAsSystem("SELECT count(*) FROM agent_executions WHERE session_id = ?::uuid AND status = 'timeout'", id))
                    .isEqualTo(1);
    }

    @Test
    void aClientThatDisconnectsLeavesACancelledExecution() throws Exception {
        String id = session("droid", "gpt-4");
        List<String> slow = new ArrayList<>();
        for (int i = 0; i < 40; i++) {
            slow.add("data: {\"choices\":[{\"index\":0,\"delta\":{\"content\":\"word" + i + " \"}}]}");
        }
        fake.scriptStream(new ScriptedStream(slow, 100, 0));
        HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
        HttpRequest request = HttpRequest.newBuilder(URI.create(base + "api/chat/sessions/" + id + "/messages"))
                .header("Authorization", "Bearer " + user.token()).header("Content-Type", "application/json")
                .header("Accept", "text/event-stream").POST(HttpRequest.BodyPublishers.ofString("{\"content\":\"long story\"}")).build();
        HttpResponse<InputStream> response = client.send(request, HttpResponse.BodyHandlers.ofInputStream());
        assertThat(response.statusCode()).isEqualTo(200);
        try (BufferedReader reader = new BufferedReader(new InputStreamReader(response.body(), StandardCharsets.UTF_8))) {
            String line;
            while ((line = reader.readLine()) != null && !line.startsWith("data:")) {
                // wait for the first delta
            }
        }
        long deadline = System.currentTimeMillis() + 10_000;
        long cancelled = 0;
        while (System.currentTimeMillis() < deadline && cancelled == 0) {
            Thread.sleep(200);
            cancelled = Database.countAsSystem(
                    "SELECT count(*) FROM agent_executions WHERE session_id = ?::uuid AND status = 'cancelled'", id);
        }
        assertThat(cancelled).isEqualTo(1);
    }

    @Test
    void failuresBeforeTheFirstTokenAreTheOnlyEvent() throws Exception {
        String id = session("droid", "gpt-4");
        fake.scriptOpenRouter(FakeProviders.Scripted.error(401, Map.of("error", Map.of("code", 401, "message", "bad key"))));
        List<String> events = events(id, "x");
        assertThat(events).hasSize(1);
        assertThat(events.get(0)).startsWith("error ").contains("\"status\":502").contains("provider credentials rejected");
        assertThat(Database.countAsSystem("SELECT count(*) FROM agent_executions WHERE session_id = ?::uuid AND status = 'error' "
                    + "AND error_code = 'unauthorized'", id)).isEqualTo(1);
    }

    @Test
    void theCallersOwnMistakesAreAnsweredBeforeTheStreamOpens() throws Exception {
        String id = session("droid", "gpt-4");
        Api stranger = Api.signIn(Tokens.unique("stranger"), Tokens.unique("other-org"), "owner");
        Api viewer = Api.signIn(Tokens.unique("viewer"), user.org(), "viewer");
        for (var attempt : List.of(
                Map.entry(stranger, "/api/chat/sessions/" + id + "/messages"),
                Map.entry(user, "/api/chat/sessions/00000000-0000-0000-0000-000000000000/messages"))) {
            given().auth().oauth2(attempt.getKey().token()).contentType("application/json").accept("text/event-stream")
                    .body(Map.of("content", "x")).post(attempt.getValue()).then().statusCode(404)
                    .contentType(org.hamcrest.Matchers.containsString("application/problem+json"));
        }
        given().auth().oauth2(viewer.token()).contentType("application/json").accept("text/event-stream")
                .body(Map.of("content", "x")).post("/api/chat/sessions/" + id + "/messages").then().statusCode(403);
        given().auth().oauth2(user.token()).contentType("application/json").accept("text/event-stream")
                .body(Map.of("content", "")).post("/api/chat/sessions/" + id + "/messages").then().statusCode(400);
        given().auth().oauth2(user.token()).contentType("application/json").accept("text/event-stream")
                .body(Map.of("content", "x")).post("/api/chat/sessions/not-a-uuid/messages").then().statusCode(400);
        given().contentType("application/json").accept("text/event-stream")
                .body(Map.of("content", "x")).post("/api/chat/sessions/" + id + "/messages").then().statusCode(401);
        platform.request().body(Map.of("enabled", false)).patch("/api/agents/droid/models/gpt-4").then().statusCode(200);
        try {
            given().auth().oauth2(user.token()).contentType("application/json").accept("text/event-stream")
                    .body(Map.of("content", "x")).post("/api/chat/sessions/" + id + "/messages").then().statusCode(422);
        } finally {
            platform.request().body(Map.of("enabled", true)).patch("/api/agents/droid/models/gpt-4").then().statusCode(200);
        }
        // nothing was written for any of them
        assertThat(Database.countAsSystem("SELECT count(*) FROM chat_messages WHERE session_id = ?::uuid", id)).isZero();
    }
}
