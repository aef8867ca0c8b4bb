package io.agenthub.metrics;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.greaterThanOrEqualTo;
import static org.hamcrest.Matchers.matchesPattern;
import static org.hamcrest.Matchers.startsWith;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.agenthub.testing.Api;
import io.agenthub.testing.FakeProviders;
import io.agenthub.testing.InjectFake;
import io.agenthub.testing.Promtool;
import io.agenthub.testing.Tokens;
import io.quarkus.test.common.TestResourceScope;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;

/** What Prometheus scrapes: the meters operators chart and alert on, in a form promtool accepts. */
@QuarkusTest
@WithTestResource(value = FakeProviders.class, scope = TestResourceScope.GLOBAL)
class PrometheusExpositionTest {

    @InjectFake
    FakeProviders fake;
    static final Pattern LABEL = Pattern.compile("([a-zA-Z_][a-zA-Z0-9_]*)=\"([^\"]*)\"");
    static final Pattern UUID_LIKE = Pattern.compile("[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}");

    /** What Prometheus 2.x sends when it scrapes. */
    static final String PROMETHEUS_ACCEPT = "application/openmetrics-text;version=1.0.0,application/openmetrics-text;version=0.0.1;q=0.75,"
            + "text/plain;version=0.0.4;q=0.5,*/*;q=0.1";

    /** The scrape exactly as a client without preferences (curl) gets it: what promtool checks. */
    static String raw() {
        return given().get("/q/metrics").then().statusCode(200).extract().asString();
    }

    /** The scrape without the text format's optional trailing commas in label sets, for readable assertions. */
    static String scrape() {
        return raw().replace(",}", "}");
    }

    /** The gauges re-read agent state every second in tests. */
    static String scrapeUntil(String expected) throws InterruptedException {
        long deadline = System.nanoTime() + 15_000_000_000L;
        String text = scrape();
        while (!text.contains(expected) && System.nanoTime() < deadline) {
            Thread.sleep(200);
            text = scrape();
        }
        return text;
    }

    String chat() {
        fake.reset();
        Api user = Api.signIn(Tokens.unique("scraped"), Tokens.unique("scraped-org"), "owner");
        String session = user.request().body(Map.of("agent", "droid", "model", "claude-3-opus")).post("/api/chat/sessions")
                .then().statusCode(201).extract().path("id");
        user.request().body(Map.of("content", "How fast are you?")).post("/api/chat/sessions/" + session + "/messages")
                .then().statusCode(200)
                .header("Server-Timing", matchesPattern("hub;dur=\\d+, upstream;dur=\\d+"))
                .body("hubOverheadMs", greaterThanOrEqualTo(0));
        return session;
    }

    @Test
    void operatorsFindEveryMeterTheyChartAndAlertOn() throws Exception {
        chat();
        String text = scrapeUntil("agent_hub_circuit_breaker_state{agent=\"droid\",state=\"closed\"} 1");

        assertThat(text)
                .contains("agent_hub_executions_total{agent=\"droid\",model=\"claude-3-opus\",outcome=\"success\"}")
                .contains("agent_hub_execution_latency_seconds_bucket{agent=\"droid\",model=\"claude-3-opus\",le=\"0.05\"}")
                .contains("agent_hub_execution_latency_seconds_bucket{agent=\"droid\",model=\"claude-3-opus\",le=\"120.0\"}")
                .contains("agent_hub_time_to_first_token_seconds_bucket{agent=\"droid\",model=\"claude-3-opus\",le=\"0.05\"}")
                .contains("agent_hub_overhead_seconds_bucket{le=\"0.001\"}")
                .contains("agent_hub_tokens_total{agent=\"droid\",direction=\"input\",model=\"claude-3-opus\"}")
                .contains("agent_hub_tokens_total{agent=\"droid\",direction=\"output\",model=\"claude-3-opus\"}")
                .contains("agent_hub_executions_in_flight{agent=\"droid\"} 0")
                .contains("agent_hub_executions_in_flight{agent=\"ccrouter\"} 0")
                .contains("agent_hub_circuit_breaker_state{agent=\"droid\",state=\"open\"} 0")
                .contains("agent_hub_agent_health{agent=\"droid\",status=\"healthy\"}")
                .contains("agent_hub_oauth_refreshes_total{outcome=\"invalid_grant\"}")
                .contains("agent_hub_cleanup_rows_total{kind=\"oauth_states\"}")
                .contains("agent_hub_rollup_duration_seconds_count")
                .contains("http_server_requests_seconds_count")
                .as("SmallRye Fault Tolerance's own metrics").contains("ft_invocations_total{", "method=\"agent.droid\"")
                .contains("ft_bulkhead_executions_running{");
    }

    @Test
    void labelsStayLowCardinality() throws Exception {
        chat();
        Set<String> labels = new TreeSet<>();
        for (String line : scrape().lines().filter(l -> l.startsWith("agent_hub_")).toList()) {
            Matcher m = LABEL.matcher(line);
            while (m.find()) {
                labels.add(m.group(1));
                assertThat(UUID_LIKE.matcher(m.group(2)).find()).as("an id in %s", line).isFalse();
            }
        }
        assertThat(labels).doesNotContain("user", "user_id", "session", "session_id", "organization", "organization_id", "org")
                .contains("agent", "model", "outcome");
    }

    @Test
    void theExpositionPassesPromtool() throws Exception {
        chat();
        scrapeUntil("agent_hub_agent_health{");
        String text = raw();
        // kept for reading when promtool disagrees
        Files.writeString(Path.of("target", "metrics-exposition.txt"), text);
        Promtool.Outcome outcome = Promtool.run(text, "check", "metrics");
        assertThat(outcome.exitCode()).as(outcome.output()).isZero();
    }

    @Test
    void prometheusAndCurlGetTheTextFormatAndOpenMetricsOnlyWhenAsked() throws Exception {
        chat();
        for (String accept : List.of(PROMETHEUS_ACCEPT, "*/*", "text/plain")) {
            var response = given().accept(accept).get("/q/metrics").then().statusCode(200).extract();
            assertThat(response.contentType()).as(accept).startsWith("text/plain; version=0.0.4");
            Promtool.Outcome outcome = Promtool.run(response.asString(), "check", "metrics");
            assertThat(outcome.exitCode()).as(accept + ": " + outcome.output()).isZero();
        }
        given().accept("application/openmetrics-text; version=1.0.0; charset=utf-8").get("/q/metrics").then().statusCode(200)
                .contentType(startsWith("application/openmetrics-text"));
    }

    @Test
    void alertRulesPassPromtoolAndFireOnTheExportedSeries() throws Exception {
        Path rules = Path.of("deploy", "prometheus", "agent-hub-rules.yml").toAbsolutePath();
        Promtool.Outcome check = Promtool.run(null, "check", "rules", rules.toString());
        assertThat(check.exitCode()).as(check.output()).isZero();
        assertThat(check.output()).contains("SUCCESS: 5 rules found");
        Promtool.Outcome unit = Promtool.run(null, "test", "rules", rules.resolveSibling("agent-hub-rules.test.yml").toString());
        assertThat(unit.exitCode()).as(unit.output()).isZero();
    }

    /**
     * The state panels map 0, 1 and 2 to closed/half-open/open and healthy/degraded/unhealthy. The
     * gauges export 0 for the states an agent is not in, so an expression must add them, not
     * "or" them; promtool evaluates the dashboard's own queries on two replicas' series.
     */
    @Test
    void theStatePanelsShowEveryState() throws Exception {
        JsonNode dashboard = new ObjectMapper().readTree(Files.readString(Path.of("deploy", "grafana", "agent-hub-dashboard.json")));
        Map<String, String> panels = new java.util.HashMap<>();
        for (JsonNode panel : dashboard.path("panels")) {
            panels.put(panel.path("title").asText(), panel.path("targets").path(0).path("expr").asText().replace("$agent", ".*"));
        }
        String breaker = panels.get("Circuit breaker state");
        String health = panels.get("Agent health");
        StringBuilder tests = new StringBuilder("rule_files: []\nevaluation_interval: 1m\ntests:\n");
        // per agent: the state of replica a, then of replica b; the panel shows the worst
        String[][] cases = {
                {"half_open", "closed", "1"}, {"open", "half_open", "2"}, {"closed", "closed", "0"}, {"closed", "open", "2"}};
        String[][] healthCases = {{"degraded", "1"}, {"unhealthy", "2"}, {"healthy", "0"}};
        tests.append("  - interval: 1m\n    input_series:\n");
        for (int i = 0; i < cases.length; i++) {
            for (String instance : List.of("a", "b")) {
                String current = instance.equals("a") ? cases[i][0] : cases[i][1];
                for (String state : List.of("closed", "open", "half_open")) {
                    tests.append("      - series: 'agent_hub_circuit_breaker_state{agent=\"agent").append(i).append("\",state=\"")
                            .append(state).append("\",instance=\"").append(instance).append("\"}'\n        values: '")
                            .append(state.equals(current) ? 1 : 0).append("'\n");
                }
            }
        }
        for (int i = 0; i < healthCases.length; i++) {
            for (String status : List.of("healthy", "degraded", "unhealthy", "unknown")) {
                tests.append("      - series: 'agent_hub_agent_health{agent=\"agent").append(i).append("\",status=\"").append(status)
                        .append("\",instance=\"a\"}'\n        values: '").append(status.equals(healthCases[i][0]) ? 1 : 0).append("'\n");
            }
        }
        tests.append("    promql_expr_test:\n");
        tests.append("      - expr: '").append(breaker).append("'\n        eval_time: 0m\n        exp_samples:\n");
        for (int i = 0; i < cases.length; i++) {
            tests.append("          - labels: '{agent=\"agent").append(i).append("\"}'\n            value: ").append(cases[i][2]).append('\n');
        }
        tests.append("      - expr: '").append(health).append("'\n        eval_time: 0m\n        exp_samples:\n");
        for (int i = 0; i < healthCases.length; i++) {
            tests.append("          - labels: '{agent=\"agent").append(i).append("\"}'\n            value: ").append(healthCases[i][1])
                    .append('\n');
        }
        Path file = Path.of("target", "dashboard-panels.test.yml").toAbsolutePath();
        Files.writeString(file, tests);
        Promtool.Outcome outcome = Promtool.run(null, "test", "rules", file.toString());
        assertThat(outcome.exitCode()).as(outcome.output()).isZero();
    }

    @Test
    void everyOutcomeOfEveryModelIsExportedFromTheStart() throws Exception {
        String text = scrapeUntil("agent_hub_executions_total{agent=\"ccrouter\"");
        for (String outcome : List.of("success", "error", "timeout", "cancelled", "rejected")) {
            assertThat(text).contains("agent_hub_executions_total{agent=\"ccrouter\",model=\"gemini-1.5-pro\",outcome=\"" + outcome + "\"}");
            assertThat(text).contains("agent_hub_executions_total{agent=\"droid\",model=\"gpt-4\",outcome=\"" + outcome + "\"}");
        }
    }

    @Test
    void theDashboardAndTheRulesNameOnlyMetricsTheServiceExports() throws Exception {
        chat();
        String text = scrapeUntil("agent_hub_agent_health{");
        JsonNode dashboard = new ObjectMapper().readTree(Files.readString(Path.of("deploy", "grafana", "agent-hub-dashboard.json")));
        assertThat(dashboard.path("panels")).isNotEmpty();
        StringBuilder queries = new StringBuilder(Files.readString(Path.of("deploy", "prometheus", "agent-hub-rules.yml")));
        for (JsonNode panel : dashboard.path("panels")) {
            if (!panel.path("type").asText().equals("row")) {
                assertThat(panel.path("targets")).as(panel.path("title").asText()).isNotEmpty();
                panel.path("targets").forEach(t -> queries.append('\n').append(t.path("expr").asText()));
            }
        }
        Set<String> names = new TreeSet<>();
        Matcher m = Pattern.compile("\\b(agent_hub_[a-z_]+|ft_[a-z_]+)").matcher(queries);
        while (m.find()) {
            names.add(m.group(1));
        }
        assertThat(names).hasSizeGreaterThan(10);
        for (String name : names) {
            assertThat(text).as("exported metric %s", name).containsPattern("(?m)^" + name + "[{ ]");
        }
    }

    static double executions(String text, String outcome) {
        Matcher m = Pattern.compile("(?m)^agent_hub_executions_total\\{agent=\"droid\",model=\"gpt-4\",outcome=\"" + outcome
                + "\"} (\\S+)$").matcher(text);
        return m.find() ? Double.parseDouble(m.group(1)) : 0;
    }

    static Map<String, Object> todaysRollup(Api admin) {
        admin.request().post("/api/admin/metrics/rollup/incremental").then().statusCode(200);
        String today = java.time.LocalDate.now(java.time.ZoneOffset.UTC).toString();
        java.util.List<Map<String, Object>> rows = admin.request().queryParam("from", today).queryParam("to", today)
                .queryParam("agent", "droid").queryParam("model", "gpt-4").get("/api/admin/metrics/agents")
                .then().statusCode(200).extract().jsonPath().getList("$");
        return rows.isEmpty() ? Map.of("executions", 0, "successes", 0, "errors", 0) : rows.get(0);
    }

    @Test
    void theScrapeAndTheDailyRollupTellTheSameStory() {
        Api admin = Api.signIn("platform-admin", "platform", "owner");
        Map<String, Object> rollupBefore = todaysRollup(admin);
        String scrapeBefore = scrape();

        fake.reset();
        Api user = Api.signIn(Tokens.unique("story"), Tokens.unique("story-org"), "owner");
        String session = user.request().body(Map.of("agent", "droid", "model", "gpt-4")).post("/api/chat/sessions")
                .then().statusCode(201).extract().path("id");
        for (int i = 0; i < 2; i++) {
            user.request().body(Map.of("content", "Question " + i)).post("/api/chat/sessions/" + session + "/messages")
                    .then().statusCode(200);
        }
        fake.scriptOpenRouter(FakeProviders.Scripted.error(400, Map.of("error", Map.of("code", 400, "message", "bad request"))));
        user.request().body(Map.of("content", "A bad one")).post("/api/chat/sessions/" + session + "/messages")
                .then().statusCode(422);

        Map<String, Object> rollupAfter = todaysRollup(admin);
        String scrapeAfter = scrape();
        int rolledSuccesses = (int) rollupAfter.get("successes") - (int) rollupBefore.get("successes");
        int rolledErrors = (int) rollupAfter.get("errors") - (int) rollupBefore.get("errors");
        assertThat(rolledSuccesses).isEqualTo(2);
        assertThat(rolledErrors).isEqualTo(1);
        assertThat(executions(scrapeAfter, "success") - executions(scrapeBefore, "success")).isEqualTo(rolledSuccesses);
        assertThat(executions(scrapeAfter, "error") - executions(scrapeBefore, "error")).isEqualTo(rolledErrors);
    }
}
