package io.agenthub.executions;

import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.equalTo;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import io.agenthub.dev.EmbeddedPostgres;
import io.agenthub.testing.Api;
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
import io.restassured.response.Response;

/**
 * The database goes away while a model is answering: the write that ends the turn is retried, and
 * what still cannot be written is closed as abandoned (by housekeeping or the heartbeat), so every
 * user message keeps exactly one finished execution.
 */
@QuarkusTest
@WithTestResource(value = FakeProviders.class, scope = TestResourceScope.GLOBAL)
class UnrecordedTurnsTest {

    @InjectFake
    FakeProviders fake;
    static final Map<String, Object> REPLY = Map.of("id", "gen-late", "model", "openai/gpt-4",
            "choices", List.of(Map.of("index", 0, "finish_reason", "stop", "message", Map.of("role", "assistant", "content", "late answer"))),
            "usage", Map.of("prompt_tokens", 5, "completion_tokens", 2));

    Api user;
    String session;

    @BeforeEach
    void signIn() {
        fake.reset();
        user = Api.signIn(Tokens.unique("cut"), Tokens.unique("cut-org"), "owner");
        session = user.request().body(Map.of("agent", "droid", "model", "gpt-4")).post("/api/chat/sessions")
                .then().statusCode(201).extract().path("id");
    }

    /** Sends a message whose answer the provider holds for {@code holdMs}; returns once the provider has it. */
    CompletableFuture<Response> turnHeldUpstream(long holdMs) throws InterruptedException {
        int before = fake.openRouterRequests.size();
        fake.scriptOpenRouter(new Scripted(200, REPLY, Map.of(), holdMs));
        CompletableFuture<Response> reply = CompletableFuture.supplyAsync(() -> user.request()
                .body(Map.of("content", "are you there?")).post("/api/chat/sessions/" + session + "/messages"));
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (fake.openRouterRequests.size() == before && System.nanoTime() < deadline) {
            Thread.sleep(20);
        }
        assertThat(fake.openRouterRequests.size()).as("the provider got the call").isGreaterThan(before);
        return reply;
    }

    @Test
    void connectionsCutMidTurnAreReplacedAndTheTurnIsRecorded() throws Exception {
        CompletableFuture<Response> reply = turnHeldUpstream(1_500);
        try (Connection c = Database.superuser("agent_hub"); Statement s = c.createStatement()) {
            s.execute("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE usename = 'agent_hub_app'");
        }
        reply.get(30, TimeUnit.SECONDS).then().statusCode(200)
                .body("status", equalTo("success")).body("assistantMessage.content", equalTo("late answer"));
        Turns.assertEveryTurnEnded(user);
    }

    @Test
    void aTurnThatCannotBeRecordedIsClosedAsAbandoned() throws Exception {
        CompletableFuture<Response> reply = turnHeldUpstream(1_000);
        EmbeddedPostgres.stopForOutage();
        Response answer;
        try {
            answer = reply.get(60, TimeUnit.SECONDS);
        } finally {
            EmbeddedPostgres.endOutage();
        }
        answer.then().statusCode(503).contentType("application/problem+json");
        UUID org = UUID.fromString(user.orgId());
        assertThat(countRunning(org)).isEqualTo(1);

        // not yet past the agent's longest call plus the grace: left alone
        Api platform = Api.signIn("platform-admin", "platform", "owner");
        platform.request().post("/api/admin/housekeeping").then().statusCode(200);
        assertThat(countRunning(org)).isEqualTo(1);

        double before = abandonedCount();
        try (Connection c = Database.superuser("agent_hub"); Statement s = c.createStatement()) {
            s.executeUpdate("UPDATE agent_executions SET started_at = started_at - interval '1 day' WHERE status = 'running'"
                    + " AND organization_id = '" + org + "'");
        }
        // the heartbeat (every second here) ends what nobody reports running as housekeeping does, and may come
        // first; either way it is ended when housekeeping answers, which waits for a heartbeat holding the row
        platform.request().post("/api/admin/housekeeping").then().statusCode(200);
        assertThat(Database.countAsSystem("""
                SELECT count(*) FROM agent_executions
                WHERE organization_id = ? AND status = 'error' AND error_code = 'abandoned' AND completed_at IS NOT NULL""", org))
                .isEqualTo(1);
        assertThat(abandonedCount()).isGreaterThan(before);
        // nor does this replica count it as in flight any more
        assertThat(Scrape.sum("agent_hub_executions_in_flight{agent=\"droid\"")).isZero();
        Turns.assertEveryTurnEnded(user);
    }

    /**
     * A replica was killed mid-turn and never comes back: this replica ends its execution, which
     * nobody has reported running for minutes, and keeps its own, however old, which it reports.
     */
    @Test
    void executionsOfAReplicaThatNeverComesBackAreEndedAndLiveOnesAreNot() throws Exception {
        UUID org = UUID.fromString(user.orgId());
        CompletableFuture<Response> reply = turnHeldUpstream(2_500);
        Object dead;
        try (Connection c = Database.superuser("agent_hub")) {
            // this replica's turn, started as long ago as a long stream and last reported then
            Database.update(c, "UPDATE agent_executions SET started_at = started_at - interval '10 minutes', latency_ms = 0"
                    + " WHERE status = 'running' AND organization_id = ?", org);
            // the killed replica's: started five minutes ago, last reported alive four minutes ago
            dead = Database.single(c, """
                    INSERT INTO agent_executions (organization_id, session_id, agent_id, model_id, status, started_at, latency_ms)
                    SELECT ?, ?::uuid, a.id, m.id, 'running', now() - interval '5 minutes', 60000
                    FROM agents a JOIN models m ON m.agent_id = a.id WHERE a.name = 'droid' AND m.name = 'gpt-4'
                    RETURNING id""", org, session);
        }
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (Database.countAsSystem("SELECT count(*) FROM agent_executions WHERE id = ? AND status = 'running'", dead) > 0
                && System.nanoTime() < deadline) {
            Thread.sleep(100);
        }
        assertThat(Database.countAsSystem("""
                SELECT count(*) FROM agent_executions WHERE id = ? AND status = 'error' AND error_code = 'abandoned'""", dead))
                .as("the dead replica's execution, ended by the heartbeat of this one").isEqualTo(1);
        assertThat(countRunning(org)).as("this replica's own turn, still running").isEqualTo(1);
        reply.get(30, TimeUnit.SECONDS).then().statusCode(200).body("status", equalTo("success"));
        assertThat(countRunning(org)).isZero();
    }

    static double abandonedCount() {
        return Scrape.sum("agent_hub_executions_abandoned_total");
    }

    static long countRunning(UUID org) throws SQLException {
        return Database.countAsSystem("SELECT count(*) FROM agent_executions WHERE organization_id = ? AND status = 'running'", org);
    }
}
