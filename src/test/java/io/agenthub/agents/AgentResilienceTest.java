package io.agenthub.agents;

import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.notNullValue;
import static org.hamcrest.Matchers.nullValue;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import io.agenthub.testing.Api;
import io.agenthub.testing.Database.Caller;
import io.agenthub.testing.Database;
import io.agenthub.testing.FakeProviders.Scripted;
import io.agenthub.testing.FakeProviders;
import io.agenthub.testing.InjectFake;
import io.agenthub.testing.Scrape;
import io.agenthub.testing.Tokens;
import io.agenthub.testing.Turns;
import io.quarkus.test.common.TestResourceScope;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;

/** Guards built from the agent's row: the breaker's transitions land in circuit_breaker_state. */
@QuarkusTest
@WithTestResource(value = FakeProviders.class, scope = TestResourceScope.GLOBAL)
class AgentResilienceTest {

    @InjectFake
    FakeProviders fake;
    static final Map<String, Object> DEFAULTS = Map.of("maxRetries", 2, "breakerFailureThreshold", 5, "breakerOpenMs", 30000,
            "maxConcurrentCalls", 32, "requestTimeoutMs", 120000, "fallbackModel", "");

    Api platform;
    Api user;

    @BeforeEach
    void setUp() {
        fake.reset();
        platform = Api.signIn("platform-admin", "platform", "owner");
        user = Api.signIn(Tokens.unique("user"), Tokens.unique("resilience"), "owner");
    }

    @AfterEach
    void restore() throws Exception {
        Turns.assertEveryTurnEnded(user);
        platform.request().body(DEFAULTS).patch("/api/agents/droid").then().statusCode(200);
        platform.request().delete("/api/agents/droid/circuit-breaker").then().statusCode(200);
        fake.reset();
    }

    String session() {
        return user.request().body(Map.of("agent", "droid", "model", "gpt-4")).post("/api/chat/sessions").then().statusCode(201)
                .extract().path("id");
    }

    @Test
    void theBreakerOpensRejectsHalfOpensAndClosesAndTheTableFollows() throws Exception {
        platform.request().body(Map.of("maxRetries", 0, "breakerFailureThreshold", 2, "breakerOpenMs", 1000))
                .patch("/api/agents/droid").then().statusCode(200);
        String id = session();
        Scripted down = Scripted.error(503, Map.of("error", Map.of("code", 503, "message", "No endpoints available")));
        fake.scriptOpenRouter(down, down);
        for (int i = 0; i < 2; i++) {
            user.request().body(Map.of("content", "fail " + i)).post("/api/chat/sessions/" + id + "/messages").then().statusCode(502);
        }
        user.request().get("/api/agents/droid/circuit-breaker").then().statusCode(200)
                .body("state", equalTo("open")).body("failureCount", equalTo(2))
                .body("openedAt", notNullValue()).body("nextAttemptAt", notNullValue());

        int before = fake.openRouterRequests.size();
        double latencies = Scrape.sum("agent_hub_execution_latency_seconds_count{agent=\"droid\"");
        double rejections = Scrape.sum("agent_hub_executions_total{agent=\"droid\",model=\"gpt-4\",outcome=\"rejected\"");
        user.request().body(Map.of("content", "rejected")).post("/api/chat/sessions/" + id + "/messages").then().statusCode(503)
                .header("Retry-After", "1").contentType("application/problem+json");
        assertThat(fake.openRouterRequests).hasSize(before);
        // a refusal is counted as an outcome, not as an upstream call of about 0 s
        assertThat(Scrape.sum("agent_hub_executions_total{agent=\"droid\",model=\"gpt-4\",outcome=\"rejected\"")).isEqualTo(rejections + 1);
        assertThat(Scrape.sum("agent_hub_execution_latency_seconds_count{agent=\"droid\"")).isEqualTo(latencies);

        Thread.sleep(1100);
        user.request().body(Map.of("content", "healthy again")).post("/api/chat/sessions/" + id + "/messages").then().statusCode(200);
        user.request().get("/api/agents/droid/circuit-breaker").then().statusCode(200)
                .body("state", equalTo("closed")).body("openedAt", nullValue()).body("failureCount", equalTo(0));
        user.request().get("/api/agents").then().body("find { it.name == 'droid' }.status.breakerState", equalTo("closed"));
        // statuses of the four executions: two errors, one rejection, one success
        user.request().get("/api/chat/sessions/" + id + "/messages?limit=100").then()
                .body("items.findAll { it.role == 'assistant' }.status", equalTo(List.of("failed", "failed", "failed", "complete")));
    }

    /** What another replica writes to the shared breaker row of droid. */
    static void anotherReplica(String set) throws Exception {
        Database.as(Caller.system(), c -> Database.update(c, "UPDATE circuit_breaker_state SET " + set
                + ", last_transition_at = now(), updated_by = 'replica-b' WHERE agent_id = (SELECT id FROM agents WHERE name = 'droid')"));
    }

    static Object breakerColumn(String column) throws Exception {
        return Database.probe(Caller.system(), c -> Database.single(c, "SELECT " + column
                + " FROM circuit_breaker_state WHERE agent_id = (SELECT id FROM agents WHERE name = 'droid')"));
    }

    int send(String session, String content) {
        return user.request().body(Map.of("content", content)).post("/api/chat/sessions/" + session + "/messages").statusCode();
    }

    @Test
    void aReplicaThatReportsTheBreakerOpenRefusesFromThatMoment() throws Exception {
        String id = session();
        assertThat(send(id, "before")).isEqualTo(200);
        for (int round = 0; round < 3; round++) {
            anotherReplica("state = 'open', failure_count = 5, opened_at = now(), next_attempt_at = now() + interval '1 minute'");
            user.request().get("/api/agents/droid/circuit-breaker").then().statusCode(200).body("state", equalTo("open"));
            int calls = fake.openRouterRequests.size();
            assertThat(send(id, "right after the report, round " + round)).isEqualTo(503);
            assertThat(fake.openRouterRequests).as("calls after this replica reported the breaker open").hasSize(calls);
            platform.request().delete("/api/agents/droid/circuit-breaker").then().statusCode(200);
            assertThat(send(id, "closed again, round " + round)).isEqualTo(200);
        }
    }

    @Test
    void aBreakerAnotherReplicaOpenedIsHonouredWithinASecondWithoutCallingTheProvider() throws Exception {
        String id = session();
        assertThat(send(id, "before")).isEqualTo(200);
        anotherReplica("state = 'open', failure_count = 5, opened_at = now(), next_attempt_at = now() + interval '1 minute'");
        Thread.sleep(1000);
        int calls = fake.openRouterRequests.size();
        assertThat(send(id, "while open elsewhere")).isEqualTo(503);
        assertThat(fake.openRouterRequests).as("calls to a provider another replica found dead").hasSize(calls);

        // another replica holds the half-open probe: this one keeps refusing
        anotherReplica("state = 'half_open', next_attempt_at = now() + interval '1 minute'");
        Thread.sleep(1000);
        assertThat(send(id, "while probed elsewhere")).isEqualTo(503);
        assertThat(fake.openRouterRequests).hasSize(calls);

        // the breaker is due: this replica claims the probe, one call closes it for everyone
        anotherReplica("state = 'open', next_attempt_at = now() - interval '1 second'");
        Thread.sleep(1000);
        assertThat(send(id, "probe")).isEqualTo(200);
        assertThat(fake.openRouterRequests).hasSize(calls + 1);
        assertThat(breakerColumn("state")).isEqualTo("closed");
        assertThat(breakerColumn("updated_by")).isNotEqualTo("replica-b");
    }

    /**
     * Each replica keeps a copy of the agents and models its turns use; a turn's first statement
     * reads their row versions, so a change written elsewhere applies to the very next turn.
     */
    @Test
    void anAgentOrModelChangedByAnotherReplicaAppliesToTheNextTurn() throws Exception {
        String id = session();
        assertThat(send(id, "warm the copy")).isEqualTo(200);
        Database.as(Caller.system(),
                c -> Database.update(c, "UPDATE agents SET max_retries = 0 WHERE name = 'droid'"));
        fake.scriptOpenRouter(Scripted.error(503, Map.of("error", Map.of("code", 503, "message", "No endpoints available"))));
        int calls = fake.openRouterRequests.size();
        assertThat(send(id, "no retry now")).isEqualTo(502);
        assertThat(fake.openRouterRequests).as("one attempt, no retries").hasSize(calls + 1);

        Database.as(Caller.system(),
                c -> Database.update(c, "UPDATE models SET enabled = false WHERE name = 'gpt-4'"));
        try {
            user.request().body(Map.of("content", "disabled")).post("/api/chat/sessions/" + id + "/messages").then().statusCode(422)
                    .contentType("application/problem+json");
            assertThat(fake.openRouterRequests).hasSize(calls + 1);
        } finally {
            Database.as(Caller.system(),
                    c -> Database.update(c, "UPDATE models SET enabled = true WHERE name = 'gpt-4'"));
        }
        assertThat(send(id, "enabled again")).isEqualTo(200);
    }

    @Test
    void failuresSeenByAnotherReplicaCountTowardsTheSameThreshold() throws Exception {
        platform.request().body(Map.of("maxRetries", 0, "breakerFailureThreshold", 3, "breakerOpenMs", 60000))
                .patch("/api/agents/droid").then().statusCode(200);
        String id = session();
        anotherReplica("failure_count = 2");
        fake.scriptOpenRouter(Scripted.error(503, Map.of("error", Map.of("code", 503, "message", "No endpoints available"))));
        assertThat(send(id, "third failure")).isEqualTo(502);
        assertThat(breakerColumn("state")).as("opened by the third failure of all replicas").isEqualTo("open");
        int calls = fake.openRouterRequests.size();
        assertThat(send(id, "refused")).isEqualTo(503);
        assertThat(fake.openRouterRequests).hasSize(calls);
    }

    @Test
    void anOpenBreakerHandsTheTurnToTheFallbackModelAndTheExecutionSaysSo() throws Exception {
        platform.request().body(Map.of("fallbackModel", "droid/claude-3-opus")).patch("/api/agents/droid").then().statusCode(400)
                .body("errors[0].field", equalTo("fallbackModel"));
        platform.request().body(Map.of("fallbackModel", "ccrouter/no-such-model")).patch("/api/agents/droid").then().statusCode(400);
        platform.request().body(Map.of("fallbackModel", "gemini-1.5-flash")).patch("/api/agents/droid").then().statusCode(400);
        platform.request().body(Map.of("maxRetries", 0, "breakerFailureThreshold", 1, "breakerOpenMs", 60000,
                "fallbackModel", "ccrouter/gemini-1.5-flash")).patch("/api/agents/droid").then().statusCode(200)
                .body("fallbackModel", equalTo("ccrouter/gemini-1.5-flash"));
        String id = session();
        fake.scriptOpenRouter(Scripted.error(500, Map.of("error", Map.of("code", 500, "message", "boom"))));
        user.request().body(Map.of("content", "x")).post("/api/chat/sessions/" + id + "/messages").then().statusCode(502);
        int openRouterCalls = fake.openRouterRequests.size();

        String executionId = user.request().body(Map.of("content", "while open")).post("/api/chat/sessions/" + id + "/messages")
                .then().statusCode(200)
                .body("assistantMessage.content", equalTo("ccrouter heard: while open"))
                .body("fallbackModel", equalTo("ccrouter/gemini-1.5-flash"))
                .extract().path("executionId");
        String streamed = io.restassured.RestAssured.given().auth().oauth2(user.token()).contentType("application/json")
                .accept("text/event-stream").body(Map.of("content", "streamed while open"))
                .post("/api/chat/sessions/" + id + "/messages").then().statusCode(200).extract().asString();
        assertThat(streamed).contains("event:done").contains("\"fallbackModel\":\"ccrouter/gemini-1.5-flash\"")
                .contains("ccrouter ");
        assertThat(fake.openRouterRequests).hasSize(openRouterCalls);

        List<Object> row = Database.as(Caller.system(), c -> Database.column(c, """
                SELECT concat_ws(' ', a.name, m.name, r.name, e.status)
                FROM agent_executions e JOIN agents a ON a.id = e.agent_id JOIN models m ON m.id = e.model_id
                JOIN models r ON r.id = e.requested_model_id WHERE e.id = ?""", java.util.UUID.fromString(executionId)));
        assertThat(row).containsExactly("ccrouter gemini-1.5-flash gpt-4 success");
        // without a fallback, the open breaker answers 503 at once
        platform.request().body(Map.of("fallbackModel", "")).patch("/api/agents/droid").then().statusCode(200)
                .body("fallbackModel", nullValue());
        user.request().body(Map.of("content", "no fallback")).post("/api/chat/sessions/" + id + "/messages").then().statusCode(503);
    }

    @Test
    void platformAdminsResetTheBreaker() {
        platform.request().body(Map.of("maxRetries", 0, "breakerFailureThreshold", 1, "breakerOpenMs", 60000))
                .patch("/api/agents/droid").then().statusCode(200);
        String id = session();
        fake.scriptOpenRouter(Scripted.error(500, Map.of("error", Map.of("code", 500, "message", "boom"))));
        user.request().body(Map.of("content", "x")).post("/api/chat/sessions/" + id + "/messages").then().statusCode(502);
        user.request().body(Map.of("content", "y")).post("/api/chat/sessions/" + id + "/messages").then().statusCode(503);
        user.request().delete("/api/agents/droid/circuit-breaker").then().statusCode(403);
        platform.request().delete("/api/agents/droid/circuit-breaker").then().statusCode(200).body("state", equalTo("closed"));
        user.request().body(Map.of("content", "z")).post("/api/chat/sessions/" + id + "/messages").then().statusCode(200);
    }

    @Test
    void theBulkheadBoundsConcurrentUpstreamCalls() throws Exception {
        platform.request().body(Map.of("maxRetries", 0, "maxConcurrentCalls", 1)).patch("/api/agents/droid").then().statusCode(200);
        String id = session();
        for (int i = 0; i < 4; i++) {
            fake.scriptOpenRouter(Scripted.reply("slow", 1, 1, 800));
        }
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            List<Future<Integer>> results = new ArrayList<>();
            for (int i = 0; i < 4; i++) {
                int n = i;
                results.add(pool.submit(() -> user.request().body(Map.of("content", "c" + n))
                        .post("/api/chat/sessions/" + id + "/messages").statusCode()));
            }
            List<Integer> statuses = new ArrayList<>();
            for (Future<Integer> r : results) {
                statuses.add(r.get());
            }
            assertThat(statuses).contains(200).contains(503);
        } finally {
            pool.shutdownNow();
        }
    }
}
