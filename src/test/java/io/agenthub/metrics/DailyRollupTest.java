package io.agenthub.metrics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasSize;

import java.math.BigDecimal;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import io.agenthub.testing.Api;
import io.agenthub.testing.Database;
import io.agenthub.testing.Database.Caller;
import io.agenthub.testing.Tokens;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.restassured.path.json.JsonPath;
import io.restassured.response.Response;

/**
 * agent_metrics against figures computed by hand. Org A's six executions take 100..600 ms and
 * org B's four 700..1000 ms, so the platform-wide row covers 100..1000 ms: avg 550, p50 550 and
 * p95 = 900 + 0.55 * 100 = 955 (percentile_cont interpolates at 0.95 * (10 - 1) = 8.55).
 */
@QuarkusTest
@TestProfile(DailyRollupTest.RunningStaysRunning.class)
class DailyRollupTest {

    /**
     * The days rolled up here are in the past, with one execution still running in them to show it
     * does not count; no replica reports it alive, so the reaper would end it (as it should) in the
     * middle of a comparison between two runs. Here its horizon is beyond those days.
     */
    public static class RunningStaysRunning implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("agent-hub.executions.abandon-after", "P3650D");
        }
    }

    /** A signed-in user with the ids the database knows them by. */
    record Who(Api api, UUID user, UUID org) {

        static Who signIn(String subject, String org, String role) {
            Api api = Api.signIn(subject, org, role);
            return new Who(api, UUID.fromString(api.id()), UUID.fromString(api.orgId()));
        }

        io.restassured.specification.RequestSpecification request() {
            return api.request();
        }
    }

    Who platform;
    Who ownerA;
    Who memberA;
    Who ownerB;
    UUID model;
    UUID agent;

    @BeforeEach
    void tenants() throws SQLException {
        String orgA = Tokens.unique("metrics-a");
        String orgB = Tokens.unique("metrics-b");
        ownerA = Who.signIn(Tokens.unique("owner-a"), orgA, "owner");
        memberA = Who.signIn(Tokens.unique("member-a"), orgA, "member");
        ownerB = Who.signIn(Tokens.unique("owner-b"), orgB, "owner");
        platform = Who.signIn("platform-admin", "platform", "owner");
        Object[] ids = Database.as(Caller.system(), c -> new Object[] {
                Database.single(c, "SELECT id FROM models WHERE name = 'claude-3-opus'"),
                Database.single(c, "SELECT agent_id FROM models WHERE name = 'claude-3-opus'") });
        model = (UUID) ids[0];
        agent = (UUID) ids[1];
    }

    record Execution(Who who, String status, int latencyMs, Instant startedAt) {
    }

    /** Inserts finished executions as the service would leave them; ttft = latency / 10, output tokens = latency / 100. */
    void insert(List<Execution> executions) throws SQLException {
        Database.as(Caller.system(), c -> {
            for (Execution e : executions) {
                UUID session = UUID.nameUUIDFromBytes(e.who().user().toString().getBytes());
                Database.update(c, """
                        INSERT INTO chat_sessions (id, organization_id, user_id, agent_id, model_id)
                        VALUES (?, ?, ?, ?, ?) ON CONFLICT (id) DO NOTHING""", session, e.who().org(), e.who().user(), agent, model);
                Database.update(c, """
                        INSERT INTO agent_executions (organization_id, user_id, session_id, agent_id, model_id, status, started_at,
                                                      completed_at, latency_ms, time_to_first_token_ms, hub_overhead_ms,
                                                      input_tokens, output_tokens)
                        VALUES (?, ?, ?, ?, ?, ?, ?, CASE WHEN ? = 'running' THEN NULL ELSE now() END, ?, ?, 3, 10, ?)""",
                        e.who().org(), e.who().user(), session, agent, model, e.status(),
                        Timestamp.from(e.startedAt()), e.status(), e.latencyMs(), e.latencyMs() / 10, e.latencyMs() / 100);
            }
            return null;
        });
    }

    List<Execution> handComputedDay(LocalDate day) {
        Instant noon = day.atTime(12, 0).toInstant(ZoneOffset.UTC);
        List<Execution> list = new ArrayList<>();
        String[] statuses = {"success", "success", "success", "success", "success", "error", "success", "timeout", "cancelled",
                "rejected"};
        for (int i = 1; i <= 10; i++) {
            Who who = i <= 3 ? ownerA : i <= 6 ? memberA : ownerB;
            list.add(new Execution(who, statuses[i - 1], i * 100, noon.plusSeconds(i)));
        }
        // neither the running one nor those just outside the UTC day count
        list.add(new Execution(ownerA, "running", 0, noon));
        list.add(new Execution(ownerA, "success", 5000, day.atStartOfDay(ZoneOffset.UTC).toInstant().minusMillis(1)));
        list.add(new Execution(ownerB, "success", 5000, day.plusDays(1).atStartOfDay(ZoneOffset.UTC).toInstant()));
        return list;
    }

    Response backfill(LocalDate from, LocalDate to) {
        return platform.request().queryParam("from", from.toString()).queryParam("to", to.toString()).post("/api/admin/metrics/rollup");
    }

    static Map<String, Object> only(JsonPath json) {
        List<Map<String, Object>> rows = json.getList("$");
        assertThat(rows).hasSize(1);
        return rows.get(0);
    }

    static void assertRow(Map<String, Object> row, int executions, int successes, int errors, int timeouts, int cancellations,
            int rejections, String avg, String p50, String p95, String avgTtft, String p95Ttft, long input, long output, int users,
            int sessions) {
        assertThat(row).containsEntry("agent", "droid").containsEntry("model", "claude-3-opus")
                .containsEntry("executions", executions).containsEntry("successes", successes).containsEntry("errors", errors)
                .containsEntry("timeouts", timeouts).containsEntry("cancellations", cancellations)
                .containsEntry("rejections", rejections).containsEntry("distinctUsers", users)
                .containsEntry("distinctSessions", sessions);
        assertThat(new BigDecimal(row.get("avgLatencyMs").toString())).isEqualByComparingTo(avg);
        assertThat(new BigDecimal(row.get("p50LatencyMs").toString())).isEqualByComparingTo(p50);
        assertThat(new BigDecimal(row.get("p95LatencyMs").toString())).isEqualByComparingTo(p95);
        assertThat(new BigDecimal(row.get("avgTimeToFirstTokenMs").toString())).isEqualByComparingTo(avgTtft);
        assertThat(new BigDecimal(row.get("p95TimeToFirstTokenMs").toString())).isEqualByComparingTo(p95Ttft);
        assertThat(((Number) row.get("inputTokens")).longValue()).isEqualTo(input);
        assertThat(((Number) row.get("outputTokens")).longValue()).isEqualTo(output);
    }

    @Test
    void everyColumnMatchesFiguresComputedByHand() throws SQLException {
        LocalDate day = LocalDate.of(2025, 3, 14);
        insert(handComputedDay(day));
        backfill(day, day).then().statusCode(200).body("ran", equalTo(true));

        // platform-wide: 100..1000 ms; ttft 10..100 ms; output tokens 1..10
        assertRow(only(platform.request().queryParam("from", "2025-03-14").queryParam("to", "2025-03-14")
                .queryParam("agent", "droid").get("/api/admin/metrics/agents").then().statusCode(200).extract().jsonPath()),
                10, 6, 1, 1, 1, 1, "550", "550", "955", "55", "95.5", 100, 55, 3, 3);
        // org A: 100..600 ms -> p95 = 500 + 0.75 * 100; two users, two sessions
        assertRow(only(ownerA.request().queryParam("from", "2025-03-14").queryParam("to", "2025-03-14")
                .get("/api/metrics/agents").then().statusCode(200).extract().jsonPath()),
                6, 5, 1, 0, 0, 0, "350", "350", "575", "35", "57.5", 60, 21, 2, 2);
        // org B: 700..1000 ms -> p95 = 900 + 0.85 * 100
        assertRow(only(ownerB.request().queryParam("from", "2025-03-14").queryParam("to", "2025-03-14")
                .get("/api/metrics/agents").then().statusCode(200).extract().jsonPath()),
                4, 1, 0, 1, 1, 1, "850", "850", "985", "85", "98.5", 40, 34, 1, 1);
        // a platform admin can read one organisation's rows too
        platform.request().queryParam("from", "2025-03-14").queryParam("to", "2025-03-14")
                .queryParam("organizationId", ownerB.org().toString()).get("/api/admin/metrics/agents").then().statusCode(200)
                .body("$", hasSize(1)).body("[0].executions", equalTo(4));
    }

    @Test
    void rerunningChangesNothingAndLateExecutionsAreFoundIncrementally() throws SQLException {
        LocalDate day = LocalDate.of(2025, 4, 2);
        insert(handComputedDay(day));
        backfill(day, day).then().statusCode(200).body("rowsWritten", equalTo(3));
        Object before = Database.as(Caller.system(), c -> Database.single(c,
                "SELECT max(updated_at) FROM agent_metrics WHERE metric_date = ?", day));

        backfill(day, day).then().statusCode(200).body("ran", equalTo(true)).body("rowsWritten", equalTo(0));
        Object after = Database.as(Caller.system(), c -> Database.single(c,
                "SELECT max(updated_at) FROM agent_metrics WHERE metric_date = ?", day));
        assertThat(after).isEqualTo(before);

        // an execution of that day finishing only now: the scheduled (incremental) run picks the day up
        insert(List.of(new Execution(ownerB, "success", 2000, day.atTime(23, 0).toInstant(ZoneOffset.UTC))));
        JsonPath run = platform.request().post("/api/admin/metrics/rollup/incremental").then().statusCode(200).extract().jsonPath();
        assertThat(run.getList("days", String.class)).contains(day.toString(), LocalDate.now(ZoneOffset.UTC).toString());
        platform.request().queryParam("from", day.toString()).queryParam("to", day.toString()).get("/api/admin/metrics/agents")
                .then().statusCode(200).body("[0].executions", equalTo(11)).body("[0].successes", equalTo(7));
        ownerB.request().queryParam("from", day.toString()).queryParam("to", day.toString()).get("/api/metrics/agents")
                .then().statusCode(200).body("[0].executions", equalTo(5));
        // org A's figures did not change, so its row was not rewritten
        Object orgA = Database.as(Caller.system(), c -> Database.single(c,
                "SELECT updated_at FROM agent_metrics WHERE metric_date = ? AND organization_id = ?", day, ownerA.org()));
        assertThat(orgA).isEqualTo(before);
    }

    @Test
    void concurrentRunsWriteEachRowOnceAndAHeldLockMeansTryLater() throws Exception {
        LocalDate day = LocalDate.of(2025, 5, 20);
        insert(handComputedDay(day));
        var pool = Executors.newFixedThreadPool(4);
        try {
            List<CompletableFuture<Integer>> runs = new ArrayList<>();
            for (int i = 0; i < 4; i++) {
                runs.add(CompletableFuture.supplyAsync(() -> backfill(day, day).statusCode(), pool));
            }
            List<Integer> statuses = runs.stream().map(CompletableFuture::join).toList();
            assertThat(statuses).allMatch(s -> s == 200 || s == 409).contains(200);
        } finally {
            pool.shutdown();
            pool.awaitTermination(10, TimeUnit.SECONDS);
        }
        List<Object> copies = Database.as(Caller.system(), c -> Database.column(c, """
                SELECT count(*) FROM agent_metrics WHERE metric_date = ?
                GROUP BY agent_id, model_id, organization_id""", day));
        assertThat(copies).hasSize(3).allMatch(n -> ((Number) n).longValue() == 1);

        // another replica holding the rollup lock: the backfill says so instead of waiting or running twice
        try (Connection other = Database.app()) {
            Database.single(other, "SELECT pg_advisory_lock(?)", MetricsRollup.LOCK);
            backfill(day, day).then().statusCode(409).contentType(containsString("application/problem+json"))
                    .body("detail", containsString("retry"));
        }
        backfill(day, day).then().statusCode(200).body("ran", equalTo(true));
    }

    @Test
    void onlyAdminsReadRollupsAndOnlyTheirOwnOrganisations() throws SQLException {
        LocalDate day = LocalDate.of(2025, 6, 1);
        insert(handComputedDay(day));
        backfill(day, day).then().statusCode(200);

        memberA.request().queryParam("from", day.toString()).queryParam("to", day.toString()).get("/api/metrics/agents")
                .then().statusCode(403).contentType(containsString("application/problem+json"));
        ownerA.request().queryParam("from", day.toString()).queryParam("to", day.toString()).get("/api/admin/metrics/agents")
                .then().statusCode(403);
        ownerA.request().queryParam("from", day.toString()).queryParam("to", day.toString()).post("/api/admin/metrics/rollup")
                .then().statusCode(403);
        io.restassured.RestAssured.given().queryParam("from", day.toString()).queryParam("to", day.toString())
                .get("/api/metrics/agents").then().statusCode(401);

        // the tenant binding alone keeps org B's and the platform-wide rows away from org A's admin
        long visible = Database.as(Caller.user(ownerA.user(), ownerA.org()),
                c -> Database.count(c, "SELECT count(*) FROM agent_metrics WHERE metric_date = ?", day));
        assertThat(visible).isEqualTo(1);
        // and only a background job may write them: not even a platform admin's transaction
        int updated = Database.as(Caller.platformAdmin(platform.user(), platform.org()),
                c -> Database.update(c, "UPDATE agent_metrics SET executions = 0 WHERE metric_date = ?", day));
        assertThat(updated).isZero();
        long zeroed = Database.as(Caller.system(), c -> Database.count(c,
                "SELECT count(*) FROM agent_metrics WHERE metric_date = ? AND executions = 0", day));
        assertThat(zeroed).isZero();
    }

    @Test
    void badRangesAreClearProblems() {
        for (Map<String, String> query : List.of(Map.of("from", "2025-01-01"), Map.of("to", "2025-01-01"),
                Map.of("from", "2025-02-01", "to", "2025-01-01"), Map.of("from", "2020-01-01", "to", "2025-01-01"),
                Map.of("from", "yesterday", "to", "2025-01-01"))) {
            ownerA.request().queryParams(query).get("/api/metrics/agents").then().statusCode(400)
                    .contentType(containsString("application/problem+json"));
            backfill(LocalDate.of(2025, 2, 1), LocalDate.of(2025, 1, 1)).then().statusCode(400);
        }
        ownerA.request().queryParam("from", "2025-01-01").queryParam("to", "2025-01-02").queryParam("agent", "x".repeat(65))
                .get("/api/metrics/agents").then().statusCode(400);
    }
}
