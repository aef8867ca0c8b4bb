package io.agenthub.agents.providers;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.logging.Handler;
import java.util.logging.LogRecord;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import io.agenthub.testing.Api;
import io.agenthub.testing.Tokens;
import io.agenthub.testing.Turns;
import io.agenthub.testing.UnkindProvider;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;

/**
 * droid's provider resets connections (before answering, mid-body, mid-stream) or answers only
 * after the timeout. Every door answers each with a clear error in bounded time, every execution
 * ends, and nothing is completed twice or dropped: the log holds none of Vert.x's "Result is
 * already complete", Mutiny's dropped exceptions, unhandled exceptions, or errors Vert.x logs for
 * failures nobody handled (a connection reset).
 */
@QuarkusTest
@TestProfile(UnkindProviderTest.Unkind.class)
class UnkindProviderTest {

    public static class Unkind implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("agent-hub.providers.openrouter.base-url", UnkindProvider.get().baseUrl(),
                    "agent-hub.agents.health-first-delay", "1h");
        }
    }

    private static final List<String> complaints = new CopyOnWriteArrayList<>();
    private static final Handler WATCH = new Handler() {
        @Override
        public void publish(LogRecord record) {
            String text = String.valueOf(record.getMessage()) + " " + (record.getThrown() == null ? "" : record.getThrown());
            boolean unhandledByVertx = record.getLevel().intValue() >= java.util.logging.Level.SEVERE.intValue()
                    && String.valueOf(record.getLoggerName()).startsWith("io.vertx");
            if (text.contains("Result is already complete") || text.contains("had to drop") || text.contains("Unhandled exception")
                    || unhandledByVertx) {
                complaints.add(record.getLoggerName() + ": " + text);
            }
        }

        @Override
        public void flush() {
        }

        @Override
        public void close() {
        }
    };

    @BeforeAll
    static void watchTheLog() {
        java.util.logging.Logger.getLogger("").addHandler(WATCH);
    }

    @AfterAll
    static void stopWatching() {
        java.util.logging.Logger.getLogger("").removeHandler(WATCH);
    }

    @Test
    void everyMisbehaviourIsAClearErrorAndNothingCompletesTwice() throws Exception {
        UnkindProvider provider = UnkindProvider.get();
        Api platform = Api.signIn("platform-admin", "platform", "owner");
        platform.request().body(Map.of("maxRetries", 1, "requestTimeoutMs", 700, "breakerFailureThreshold", 1000))
                .patch("/api/agents/droid").then().statusCode(200);
        Api user = Api.signIn(Tokens.unique("unkind"), Tokens.unique("unkind-org"), "owner");
        String session = user.request().body(Map.of("agent", "droid", "model", "gpt-4")).post("/api/chat/sessions").then()
                .statusCode(201).extract().path("id");
        try {
            for (UnkindProvider.Mode mode : UnkindProvider.Mode.values()) {
                if (mode == UnkindProvider.Mode.EACH_IN_TURN) {
                    continue;
                }
                provider.mode = mode;
                for (int round = 0; round < 3; round++) {
                    long start = System.nanoTime();
                    int chat = user.request().body(Map.of("content", mode + " json")).post("/api/chat/sessions/" + session + "/messages")
                            .statusCode();
                    assertThat(chat).as(mode + ": a chat turn").isIn(502, 504);
                    String streamed = given().auth().oauth2(user.token()).contentType("application/json").accept("text/event-stream")
                            .body(Map.of("content", mode + " stream")).post("/api/chat/sessions/" + session + "/messages").then()
                            .statusCode(200).extract().asString();
                    assertThat(streamed).as(mode + ": a streamed chat turn").containsPattern("event: ?error");
                    // a long prompt: the provider's answer and its reset can overtake the body being sent
                    int completion = given().auth().oauth2(user.token()).contentType("application/json")
                            .body(Map.of("model", "droid/gpt-4", "messages", List.of(Map.of("role", "user", "content", "hi ".repeat(150_000)))))
                            .post("/v1/chat/completions").then().contentType("application/json").extract().statusCode();
                    assertThat(completion).as(mode + ": a completion").isIn(502, 504);
                    String chunks = given().auth().oauth2(user.token()).contentType("application/json")
                            .body(Map.of("model", "droid/gpt-4", "stream", true, "messages", List.of(Map.of("role", "user", "content", "hi"))))
                            .post("/v1/chat/completions").then().extract().asString();
                    assertThat(chunks).as(mode + ": a streamed completion").contains("error");
                    assertThat((System.nanoTime() - start) / 1_000_000).as(mode + ": ms for four calls with 700 ms timeouts")
                            .isLessThan(20_000);
                }
            }
            // all of it at once, on pooled connections that each misbehave another way
            provider.mode = UnkindProvider.Mode.EACH_IN_TURN;
            java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newFixedThreadPool(12);
            try {
                List<java.util.concurrent.Future<Integer>> calls = new java.util.ArrayList<>();
                for (int i = 0; i < 48; i++) {
                    boolean stream = i % 2 == 0;
                    calls.add(pool.submit(() -> given().auth().oauth2(user.token()).contentType("application/json")
                            .body(Map.of("model", "droid/gpt-4", "stream", stream,
                                    "messages", List.of(Map.of("role", "user", "content", "hi ".repeat(stream ? 10 : 50_000)))))
                            .post("/v1/chat/completions").statusCode()));
                }
                for (var call : calls) {
                    assertThat(call.get()).as("a call among many").isIn(200, 502, 504);
                }
            } finally {
                pool.shutdownNow();
            }
            // late answers land after their callers gave up; give them time to arrive
            Thread.sleep(provider.lateMs + 1000);
            Turns.assertEveryTurnEnded(user);
            assertThat(complaints).as("completed twice, dropped or unhandled").isEmpty();
        } finally {
            // as every other test expects droid: its defaults, and a closed breaker with no failures counted
            platform.request().body(Map.of("maxRetries", 2, "requestTimeoutMs", 120000, "breakerFailureThreshold", 5))
                    .patch("/api/agents/droid").then().statusCode(200);
            platform.request().delete("/api/agents/droid/circuit-breaker").then().statusCode(200);
        }
    }
}
