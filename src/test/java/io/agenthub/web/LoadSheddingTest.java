package io.agenthub.web;

import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.notNullValue;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import org.junit.jupiter.api.Test;

import io.agenthub.testing.Api;
import io.agenthub.testing.FakeProviders.Scripted;
import io.agenthub.testing.FakeProviders;
import io.agenthub.testing.InjectFake;
import io.agenthub.testing.Scrape;
import io.agenthub.testing.Tokens;
import io.quarkus.test.common.TestResourceScope;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.restassured.RestAssured;

/** Arrivals beyond the API requests the service takes at once are refused at once, not queued until memory runs out. */
@QuarkusTest
@WithTestResource(value = FakeProviders.class, scope = TestResourceScope.GLOBAL)
@TestProfile(LoadSheddingTest.ThreeAtOnce.class)
class LoadSheddingTest {

    public static class ThreeAtOnce implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("agent-hub.http.max-in-flight", "3");
        }
    }

    @InjectFake
    FakeProviders fake;

    @Test
    void requestsBeyondTheLimitAre503WithRetryAfterAndTheOthersComplete() throws Exception {
        fake.reset();
        Api user = Api.signIn(Tokens.unique("busy"), Tokens.unique("busy-org"), "owner");
        String id = user.request().body(Map.of("agent", "droid", "model", "gpt-4")).post("/api/chat/sessions").then()
                .statusCode(201).extract().path("id");
        for (int i = 0; i < 3; i++) {
            fake.scriptOpenRouter(Scripted.reply("slow", 1, 1, 1500));
        }
        double shedBefore = Scrape.sum("agent_hub_requests_shed_total");
        ExecutorService pool = Executors.newFixedThreadPool(3);
        try {
            List<Future<Integer>> turns = new ArrayList<>();
            for (int i = 0; i < 3; i++) {
                int n = i;
                turns.add(pool.submit(() -> user.request().body(Map.of("content", "turn " + n))
                        .post("/api/chat/sessions/" + id + "/messages").statusCode()));
            }
            long deadline = System.currentTimeMillis() + 10_000;
            while (fake.openRouterRequests.size() < 3 && System.currentTimeMillis() < deadline) {
                Thread.sleep(20);
            }
            assertThat(fake.openRouterRequests).hasSize(3);

            // three turns wait on the model: a fourth request of any kind is refused, health and metrics are not
            user.request().get("/api/me").then().statusCode(503).contentType("application/problem+json")
                    .header("Retry-After", equalTo("1")).body("status", equalTo(503))
                    .body("detail", containsString("retry shortly")).body("requestId", notNullValue());
            RestAssured.given().get("/q/health/ready").then().statusCode(200);
            assertThat(Scrape.sum("agent_hub_requests_shed_total")).isEqualTo(shedBefore + 1);

            for (Future<Integer> turn : turns) {
                assertThat(turn.get()).isEqualTo(200);
            }
        } finally {
            pool.shutdownNow();
        }
        // the finished turns gave their places back
        user.request().get("/api/me").then().statusCode(200);
        user.request().get("/api/chat/sessions/" + id + "/messages").then().statusCode(200);
    }
}
