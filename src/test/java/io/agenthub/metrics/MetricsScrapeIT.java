package io.agenthub.metrics;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;

import org.junit.jupiter.api.Test;

import io.agenthub.testing.Api;
import io.agenthub.testing.Management;
import io.agenthub.testing.PackagedServices;
import io.agenthub.testing.Promtool;
import io.agenthub.testing.Tokens;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusIntegrationTest;

/** What Prometheus scrapes from the packaged application after a chat turn. */
@QuarkusIntegrationTest
@WithTestResource(PackagedServices.class)
class MetricsScrapeIT {

    @Test
    void aTurnShowsInTheScrapeAndTheExpositionPassesPromtool() throws Exception {
        Api user = Api.signIn(Tokens.unique("it-scraped"), Tokens.unique("it-scraped-org"), "owner");
        String session = user.request().body(Map.of("agent", "droid", "model", "gpt-4")).post("/api/chat/sessions")
                .then().statusCode(201).extract().path("id");
        user.request().body(Map.of("content", "count me")).post("/api/chat/sessions/" + session + "/messages")
                .then().statusCode(200);
        // as curl gets it from a deployment: no preferences, nothing rewritten before promtool reads it
        String text = Management.given().get("/q/metrics").then().statusCode(200).extract().asString();
        assertThat(text)
                .contains("agent_hub_executions_total{agent=\"droid\",model=\"gpt-4\",outcome=\"success\"")
                .contains("agent_hub_tokens_total{agent=\"droid\",direction=\"output\",model=\"gpt-4\"")
                .contains("agent_hub_overhead_seconds_bucket{le=\"0.001\"")
                .contains("http_server_requests_seconds_count");
        Promtool.Outcome outcome = Promtool.run(text, "check", "metrics");
        assertThat(outcome.exitCode()).as(outcome.output()).isZero();
    }

    @Test
    void operatorsSurfacesAreOnTheManagementPortOnly() {
        for (String path : java.util.List.of("/q/metrics", "/q/health/ready", "/q/openapi")) {
            given().get(path).then().statusCode(404);
            Management.given().get(path).then().statusCode(200);
        }
        // what a platform that probes the serving port only (Knative) asks: a status, no details
        given().get("/probe/ready").then().statusCode(200).body(org.hamcrest.Matchers.equalTo("{\"status\":\"UP\"}"));
        given().get("/probe/live").then().statusCode(200);
    }
}
