package io.agenthub.chat;

import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasSize;
import static org.hamcrest.Matchers.notNullValue;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;

import io.agenthub.testing.Api;
import io.agenthub.testing.Database.Caller;
import io.agenthub.testing.Database;
import io.agenthub.testing.FakeProviders.Scripted;
import io.agenthub.testing.FakeProviders;
import io.agenthub.testing.InjectFake;
import io.agenthub.testing.Tokens;
import io.agenthub.testing.Turns;
import io.quarkus.test.common.TestResourceScope;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;

@QuarkusTest
@WithTestResource(value = FakeProviders.class, scope = TestResourceScope.GLOBAL)
class ChatTest {

    @InjectFake
    FakeProviders fake;

    @io.quarkus.test.common.http.TestHTTPResource("/")
    java.net.URL base;

    Api user;

    @BeforeEach
    void signIn() {
        fake.reset();
        user = Api.signIn(Tokens.unique("chatter"), Tokens.unique("chat-org"), "owner");
    }

    @AfterEach
    void everyTurnEnded() throws Exception {
        Turns.assertEveryTurnEnded(user);
    }

    String session(String agent, String model) {
        return user.request().body(Map.of("agent", agent, "model", model)).post("/api/chat/sessions").then().statusCode(201)
                .body("agent", equalTo(agent)).body("model", equalTo(model)).extract().path("id");
    }

    @Test
    void droidAnswersThroughOpenRouterWithHistoryAndSystemPromptsInOrder() throws Exception {
        user.request().body(Map.of("scope", "organization", "name", "house", "content", "Be concise.", "priority", 1))
                .post("/api/system-prompts").then().statusCode(201);
        user.request().body(Map.of("scope", "user", "name", "me", "content", "Call me Ada."))
                .post("/api/system-prompts").then().statusCode(201);
        String id = session("droid", "claude-3-opus");
        Map<String, Object> reply = user.request().body(Map.of("content", "Hello there, how are you today?"))
                .post("/api/chat/sessions/" + id + "/messages").then().statusCode(200)
                .body("assistantMessage.content", equalTo("droid(anthropic/claude-3-opus) heard: Hello there, how are you today?"))
                .body("usage.inputTokens", equalTo(12)).body("usage.outputTokens", equalTo(7))
                .body("executionId", notNullValue()).body("status", equalTo("success"))
                .extract().as(Map.class);
        // the reply shows both messages as stored, the assistant's numbered after the user's
        List<Map<String, Object>> stored = user.request().get("/api/chat/sessions/" + id + "/messages?limit=10").then()
                .statusCode(200).extract().path("items");
        Map<String, Object> storedUser = stored.stream().filter(m -> m.get("role").equals("user")).findFirst().orElseThrow();
        Map<String, Object> storedAssistant = stored.stream().filter(m -> m.get("role").equals("assistant")).findFirst().orElseThrow();
        assertThat(((Map<?, ?>) reply.get("userMessage")).get("seq")).isEqualTo(storedUser.get("seq"));
        assertThat(((Map<?, ?>) reply.get("assistantMessage")).get("seq")).isEqualTo(storedAssistant.get("seq"));
        assertThat(((Number) storedAssistant.get("seq")).longValue()).isGreaterThan(((Number) storedUser.get("seq")).longValue());
        user.request().body(Map.of("content", "Second question")).post("/api/chat/sessions/" + id + "/messages").then().statusCode(200);

        JsonNode second = fake.openRouterRequests.get(1);
        assertThat(second.path("model").asText()).isEqualTo("anthropic/claude-3-opus");
        List<String> roles = second.path("messages").findValuesAsText("role");
        List<String> contents = second.path("messages").findValuesAsText("content");
        int n = roles.size();
        assertThat(roles.subList(n - 5, n)).containsExactly("system", "system", "user", "assistant", "user");
        assertThat(contents.subList(n - 5, n)).containsExactly("Be concise.", "Call me Ada.", "Hello there, how are you today?",
                "droid(anthropic/claude-3-opus) heard: Hello there, how are you today?", "Second question");

        user.request().get("/api/chat/sessions/" + id).then().statusCode(200)
                .body("title", equalTo("Hello there, how are you today?")).body("messageCount", equalTo(4));
        user.request().get("/api/chat/sessions/" + id + "/messages?limit=3").then().statusCode(200)
                .body("items", hasSize(3)).body("items[0].role", equalTo("user")).body("nextCursor", notNullValue());
        Database.probe(Caller.system(), c -> {
            assertThat(Database.count(c, "SELECT count(*) FROM agent_executions e JOIN chat_sessions s ON s.id = e.session_id "
                    + "WHERE s.id = ?::uuid AND e.status = 'success' AND e.input_tokens = 12 AND e.output_tokens = 7 "
                    + "AND e.latency_ms IS NOT NULL AND e.assistant_message_id IS NOT NULL", id)).isEqualTo(2);
            return null;
        });
    }

    @Test
    void historyIsCutToTheModelsContextBudgetNewestFirst() {
        // gpt-4: (8191 context - 4096 output) tokens of about 4 characters = 16,380 characters of history
        String id = session("droid", "gpt-4");
        for (String content : List.of("a".repeat(6000), "b".repeat(6000), "c".repeat(20000))) {
            user.request().body(Map.of("content", content)).post("/api/chat/sessions/" + id + "/messages").then().statusCode(200);
        }
        // the second turn: its own 6,000 and the 6,027 of the first reply fit, the first question no more
        JsonNode second = fake.openRouterRequests.get(1).path("messages");
        assertThat(second.findValuesAsText("role")).containsExactly("assistant", "user");
        assertThat(second.get(0).path("content").asText()).startsWith("droid(openai/gpt-4) heard: aaa");
        assertThat(second.get(1).path("content").asText()).startsWith("bbb");
        // a message over the budget on its own still goes, alone
        JsonNode third = fake.openRouterRequests.get(2).path("messages");
        assertThat(third.findValuesAsText("role")).containsExactly("user");
        assertThat(third.get(0).path("content").asText()).hasSize(20000);
    }

    @Test
    void ccrouterAnswersThroughVertexAi() {
        user.request().body(Map.of("scope", "user", "name", "style", "content", "Answer in French."))
                .post("/api/system-prompts").then().statusCode(201);
        String id = session("ccrouter", "gemini-1.5-flash");
        user.request().body(Map.of("content", "Bonjour")).post("/api/chat/sessions/" + id + "/messages").then().statusCode(200)
                .body("assistantMessage.content", equalTo("ccrouter heard: Bonjour"))
                .body("usage.inputTokens", equalTo(21)).body("usage.outputTokens", equalTo(9));
        assertThat(fake.vertexPaths.get(0))
                .isEqualTo("/v1/projects/test-project/locations/us-central1/publishers/google/models/gemini-1.5-flash:generateContent");
        JsonNode request = fake.vertexRequests.get(0);
        assertThat(request.path("systemInstruction").path("parts").get(0).path("text").asText()).endsWith("Answer in French.");
        assertThat(request.path("contents").get(0).path("role").asText()).isEqualTo("user");
    }

    @Test
    void retriesOn429And5xxThenSucceeds() {
        String id = session("droid", "gpt-4");
        fake.scriptOpenRouter(
                new Scripted(429, Map.of("error", Map.of("code", 429, "message", "Rate limit exceeded")), Map.of("Retry-After", "0"), 0),
                Scripted.error(502, Map.of("error", Map.of("code", 502, "message", "Provider returned error"))));
        user.request().body(Map.of("content", "try hard")).post("/api/chat/sessions/" + id + "/messages").then().statusCode(200)
                .body("status", equalTo("success"));
        assertThat(fake.openRouterRequests).hasSize(3);
    }

    @Test
    void aTurnWhoseClientLeavesIsStillAnsweredRecordedAndReplayable() throws Exception {
        String id = session("droid", "gpt-4");
        fake.scriptOpenRouter(Scripted.reply("worth the wait", 3, 3, 1500));
        // the client leaves once the turn has begun (the provider has the request), however slow the machine
        String body = "{\"content\":\"answer me anyway\"}";
        try (java.net.Socket client = new java.net.Socket(base.getHost(), base.getPort())) {
            client.getOutputStream().write(("POST /api/chat/sessions/" + id + "/messages HTTP/1.1\r\nHost: localhost\r\n"
                    + "Authorization: Bearer " + user.token() + "\r\nContent-Type: application/json\r\n"
                    + "Idempotency-Key: leave-early\r\nContent-Length: " + body.length() + "\r\n\r\n" + body)
                    .getBytes(java.nio.charset.StandardCharsets.UTF_8));
            client.getOutputStream().flush();
            long begun = System.nanoTime() + 10_000_000_000L;
            while (fake.openRouterRequests.isEmpty() && System.nanoTime() < begun) {
                Thread.sleep(10);
            }
            assertThat(fake.openRouterRequests).as("the turn began").hasSize(1);
        }

        long deadline = System.nanoTime() + 10_000_000_000L;
        long finished = 0;
        while (finished == 0 && System.nanoTime() < deadline) {
            Thread.sleep(100);
            finished = Database.as(Caller.system(), c -> Database.count(c,
                    "SELECT count(*) FROM agent_executions WHERE session_id = ?::uuid AND status = 'success'", id));
        }
        assertThat(finished).as("the turn ran to its end without its client").isEqualTo(1);
        // the client comes back with the same key and gets that answer, without a second upstream call
        user.request().header("Idempotency-Key", "leave-early").body(Map.of("content", "answer me anyway"))
                .post("/api/chat/sessions/" + id + "/messages").then().statusCode(200)
                .body("assistantMessage.content", equalTo("worth the wait"));
        assertThat(fake.openRouterRequests).hasSize(1);
    }

    @Test
    void aRetryWaitsAsLongAsRetryAfterAsks() throws SQLException {
        String id = session("droid", "gpt-4");
        fake.scriptOpenRouter(new Scripted(429, Map.of("error", Map.of("code", 429, "message", "Rate limit exceeded")),
                Map.of("Retry-After", "1"), 0));
        long started = System.nanoTime();
        String executionId = user.request().body(Map.of("content", "patience")).post("/api/chat/sessions/" + id + "/messages")
                .then().statusCode(200).extract().path("executionId");
        // a lower bound only: the provider asked for a second
        assertThat((System.nanoTime() - started) / 1_000_000).isGreaterThanOrEqualTo(1000);
        long attempts = Database.as(Caller.system(), c -> Database.count(c, "SELECT attempts FROM agent_executions WHERE id = ?",
                java.util.UUID.fromString(executionId)));
        assertThat(attempts).isEqualTo(2);
    }

    @Test
    void upstreamErrorsAreMappedAndRecorded() throws SQLException {
        String id = session("droid", "gpt-4");
        fake.scriptOpenRouter(Scripted.error(400, Map.of("error", Map.of("code", 400, "message", "context length exceeded"))));
        user.request().body(Map.of("content", "too long")).post("/api/chat/sessions/" + id + "/messages").then().statusCode(422)
                .contentType("application/problem+json")
                .body("detail", equalTo("openrouter: context length exceeded")).body("providerError", equalTo("bad_request"));
        assertThat(fake.openRouterRequests).hasSize(1);

        String vertex = session("ccrouter", "gemini-1.5-pro");
        fake.scriptVertex(Scripted.error(200, Map.of("promptFeedback", Map.of("blockReason", "SAFETY"))));
        user.request().body(Map.of("content", "something unsafe")).post("/api/chat/sessions/" + vertex + "/messages").then()
                .statusCode(422).body("providerError", equalTo("content_filter"));

        // every user message ends with exactly one closed execution row
        Database.probe(Caller.system(), c -> {
            assertThat(Database.count(c, """
                    SELECT count(*) FROM chat_messages m
                    WHERE m.session_id IN (?::uuid, ?::uuid) AND m.role = 'user'
                      AND (SELECT count(*) FROM agent_executions e WHERE e.user_message_id = m.id AND e.status = 'error') = 1""",
                    id, vertex)).isEqualTo(2);
            return null;
        });
    }

    @Test
    void anIdempotencyKeyReturnsTheFirstResult() {
        String id = session("droid", "gpt-4");
        String first = user.request().header("Idempotency-Key", "k-1").body(Map.of("content", "once"))
                .post("/api/chat/sessions/" + id + "/messages").then().statusCode(200).extract().path("assistantMessage.id");
        user.request().header("Idempotency-Key", "k-1").body(Map.of("content", "once"))
                .post("/api/chat/sessions/" + id + "/messages").then().statusCode(200).body("assistantMessage.id", equalTo(first));
        assertThat(fake.openRouterRequests).hasSize(1);
        user.request().get("/api/chat/sessions/" + id).then().body("messageCount", equalTo(2));
    }

    @Test
    void sessionsAreListedNewestFirstFilteredAndPrivate() {
        String a = session("droid", "gpt-4");
        String b = session("ccrouter", "gemini-1.5-pro");
        user.request().body(Map.of("title", "Quarterly planning")).patch("/api/chat/sessions/" + a).then().statusCode(200);
        user.request().body(Map.of("content", "hi")).post("/api/chat/sessions/" + b + "/messages").then().statusCode(200);
        user.request().get("/api/chat/sessions").then().statusCode(200)
                .body("items.id", equalTo(List.of(b, a))).body("items[0].messageCount", equalTo(2));
        user.request().get("/api/chat/sessions?q=quarterly").then().body("items.id", equalTo(List.of(a)));
        user.request().body(Map.of("archived", true)).patch("/api/chat/sessions/" + a).then().statusCode(200);
        user.request().get("/api/chat/sessions?archived=false").then().body("items.id", equalTo(List.of(b)));
        user.request().get("/api/chat/sessions?limit=1").then().body("items", hasSize(1)).body("nextCursor", notNullValue());

        Api colleague = Api.signIn(Tokens.unique("colleague"), user.org(), "member");
        colleague.request().get("/api/chat/sessions/" + a).then().statusCode(404);
        colleague.request().body(Map.of("content", "sneaky")).post("/api/chat/sessions/" + a + "/messages").then().statusCode(404);
        colleague.request().get("/api/chat/sessions").then().body("items", hasSize(0));
        user.request().delete("/api/chat/sessions/" + a).then().statusCode(204);
        user.request().get("/api/chat/sessions/" + a).then().statusCode(404);
    }

    /** Statement statistics from here on, planning included; in a schema of their own, out of the way of the schema tests. */
    private static void statementStatistics() throws SQLException {
        try (Connection c = Database.superuser("agent_hub"); Statement s = c.createStatement()) {
            s.execute("CREATE SCHEMA IF NOT EXISTS monitoring");
            s.execute("CREATE EXTENSION IF NOT EXISTS pg_stat_statements SCHEMA monitoring");
            s.execute("ALTER SYSTEM SET pg_stat_statements.track_planning = on");
            s.execute("SELECT pg_reload_conf()");
            s.execute("SELECT monitoring.pg_stat_statements_reset()");
        }
    }

    /** The generic plan PostgreSQL makes of a statement for the caller, with random reads priced as given. */
    private static String genericPlan(String text, UUID user, UUID org, String arguments, String randomPageCost) throws SQLException {
        try (Connection c = Database.superuser("agent_hub"); Statement s = c.createStatement()) {
            c.setAutoCommit(false);
            s.execute("SELECT set_config('app.current_user_id', '" + user + "', true), set_config('app.current_org_id', '" + org + "', true)");
            s.execute("SET LOCAL ROLE agent_hub_app");
            s.execute("SET LOCAL plan_cache_mode = force_generic_plan");
            s.execute("SET LOCAL random_page_cost = " + randomPageCost);
            s.execute("PREPARE planned AS " + text);
            StringBuilder plan = new StringBuilder();
            try (ResultSet r = s.executeQuery("EXPLAIN EXECUTE planned(" + arguments + ")")) {
                while (r.next()) {
                    plan.append(r.getString(1)).append('\n');
                }
            }
            c.rollback();
            return plan.toString();
        }
    }

    @Test
    void aSessionsMessagesAreReadThroughItsOwnIndexWhateverThePlan() throws SQLException {
        // among thirty long conversations a generic plan expects every session to be long; written plainly, the
        // statements then walked the whole table's seq index instead of the session's own, and a small session's
        // turn visited every message of the table (21.8 ms, 29,419 buffers, where its own index reads a handful)
        Api talkative = Api.signIn(Tokens.unique("talkative"), Tokens.unique("talkative-org"), "owner");
        for (int i = 0; i < 30; i++) {
            talkative.request().body(Map.of("agent", "droid", "model", "gpt-4")).post("/api/chat/sessions").then().statusCode(201);
        }
        try (Connection c = Database.superuser("agent_hub")) {
            Database.update(c, """
                    INSERT INTO chat_messages (session_id, organization_id, user_id, role, content)
                    SELECT s.id, s.organization_id, s.user_id, CASE WHEN g % 2 = 0 THEN 'user' ELSE 'assistant' END, 'earlier ' || g
                    FROM generate_series(1, 1000) g, chat_sessions s
                    WHERE s.user_id = (SELECT id FROM users WHERE oidc_subject = ?) ORDER BY g""", talkative.subject());
            Database.update(c, "ANALYZE chat_messages");
        }
        String small = session("droid", "gpt-4");
        user.request().body(Map.of("content", "first")).post("/api/chat/sessions/" + small + "/messages").then().statusCode(200);
        UUID userId;
        UUID orgId;
        try (Connection c = Database.superuser("agent_hub")) {
            userId = (UUID) Database.single(c, "SELECT user_id FROM chat_sessions WHERE id = ?::uuid", small);
            orgId = (UUID) Database.single(c, "SELECT organization_id FROM chat_sessions WHERE id = ?::uuid", small);
        }
        // from SSDs to slow disks (the statements written plainly walked the seq index from 2 and 4 on)
        for (String randomPageCost : List.of("1.1", "4", "16")) {
            String turn = genericPlan(TurnStatements.BEGIN, userId, orgId,
                    "'" + small + "', '" + userId + "', '" + orgId + "', NULL, 'next', 4, 'title', 499", randomPageCost);
            String page = genericPlan(ChatSessionService.MESSAGES_PAGE, userId, orgId, "'" + small + "', '" + userId + "', 0, 51",
                    randomPageCost);
            assertThat(turn).as("a turn at random_page_cost " + randomPageCost)
                    .contains("Index Scan Backward using idx_chat_messages_session_seq").doesNotContain("chat_messages_seq_key");
            assertThat(page).as("a page at random_page_cost " + randomPageCost)
                    .contains("Index Scan using idx_chat_messages_session_seq").doesNotContain("chat_messages_seq_key");
        }
    }

    @Test
    void aTurnsFirstStatementIsPreparedAndPlannedOncePerConnectionNotPerTurn() throws SQLException {
        // a statement the client does not cache, or one planned for each turn's values, plans every turn
        statementStatistics();
        String id = session("droid", "gpt-4");
        for (int i = 0; i < 20; i++) {
            user.request().body(Map.of("content", "turn " + i)).post("/api/chat/sessions/" + id + "/messages").then().statusCode(200);
        }
        try (Connection c = Database.superuser("agent_hub"); Statement s = c.createStatement();
                ResultSet r = s.executeQuery("SELECT sum(calls), sum(plans) FROM monitoring.pg_stat_statements WHERE query LIKE 'WITH session AS%'")) {
            assertThat(r.next()).isTrue();
            assertThat(r.getLong(1)).isEqualTo(20);
            // one generic plan per pooled connection, and again only when an ANALYZE invalidates it
            assertThat(r.getLong(2)).isLessThanOrEqualTo(6);
        }
    }

    @Test
    void badInputIsRefused() {
        String id = session("droid", "gpt-4");
        user.request().body(Map.of("content", "")).post("/api/chat/sessions/" + id + "/messages").then().statusCode(400);
        user.request().body(Map.of("content", "x".repeat(100_001))).post("/api/chat/sessions/" + id + "/messages").then().statusCode(400);
        user.request().body(Map.of("agent", "droid", "model", "nope")).post("/api/chat/sessions").then().statusCode(422);
        user.request().body(Map.of("agent", "nobody", "model", "gpt-4")).post("/api/chat/sessions").then().statusCode(422);
        assertThat(fake.openRouterRequests).isEmpty();
    }

    @Test
    void theAgentCatalogueShowsModelsAndStatus() {
        user.request().get("/api/agents").then().statusCode(200)
                .body("name", equalTo(List.of("ccrouter", "droid")))
                .body("find { it.name == 'droid' }.models.name", equalTo(List.of("claude-3-opus", "gpt-4")))
                .body("find { it.name == 'droid' }.provider", equalTo("openrouter"))
                .body("find { it.name == 'ccrouter' }.status.breakerState", notNullValue());
        user.request().get("/api/agents/ccrouter/models").then().statusCode(200).body("name", hasSize(2));
        user.request().get("/api/agents/nobody/models").then().statusCode(404);
        user.request().body(Map.of("enabled", false)).patch("/api/agents/droid").then().statusCode(403);
    }
}
