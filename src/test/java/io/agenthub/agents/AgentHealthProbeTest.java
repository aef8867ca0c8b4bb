package io.agenthub.agents;

import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.equalTo;

import java.sql.SQLException;
import java.util.List;

import jakarta.inject.Inject;

import org.junit.jupiter.api.Test;

import io.agenthub.testing.Api;
import io.agenthub.testing.Database.Caller;
import io.agenthub.testing.Database;
import io.agenthub.testing.FakeProviders;
import io.agenthub.testing.InjectFake;
import io.agenthub.testing.Tokens;
import io.quarkus.test.common.TestResourceScope;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.vertx.RunOnVertxContext;
import io.quarkus.test.vertx.UniAsserter;

@QuarkusTest
@WithTestResource(value = FakeProviders.class, scope = TestResourceScope.GLOBAL)
class AgentHealthProbeTest {

    @InjectFake
    FakeProviders fake;

    @Inject
    AgentHealthProbe probe;

    static void forgetLastChecks() {
        try {
            Database.as(Caller.system(), c -> Database.update(c, "UPDATE agent_health SET last_check_at = NULL"));
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    @Test
    @RunOnVertxContext
    void probesClaimEachAgentOncePerPeriodAndTrackFailures(UniAsserter asserter) {
        asserter.execute(() -> {
            fake.reset();
            forgetLastChecks();
        });
        asserter.assertThat(() -> probe.run(), results -> assertThat(results)
                .extracting(AgentHealthProbe.Result::agent, AgentHealthProbe.Result::status)
                .containsExactlyInAnyOrder(org.assertj.core.groups.Tuple.tuple("ccrouter", "healthy"),
                        org.assertj.core.groups.Tuple.tuple("droid", "healthy")));
        // within the period nothing is claimed again: another replica running now would probe nothing
        asserter.assertThat(() -> probe.run(), results -> assertThat(results).isEmpty());
        for (int i = 1; i <= 3; i++) {
            int attempt = i;
            asserter.execute(() -> {
                fake.probeFailures = 1;
                forgetLastChecks();
            });
            asserter.assertThat(() -> probe.run(), results -> assertThat(results)
                    .filteredOn(r -> r.agent().equals("droid")).singleElement()
                    .extracting(AgentHealthProbe.Result::status).isEqualTo(attempt < 3 ? "degraded" : "unhealthy"));
        }
        asserter.execute(() -> {
            try {
                Database.probe(Caller.system(), c -> {
                    assertThat(Database.count(c, """
                            SELECT count(*) FROM agent_health h JOIN agents a ON a.id = h.agent_id
                            WHERE a.name = 'droid' AND h.consecutive_failures = 3 AND h.status = 'unhealthy'
                              AND h.last_error LIKE 'openrouter:%' AND h.last_success_at IS NOT NULL""")).isEqualTo(1);
                    return null;
                });
            } catch (SQLException e) {
                throw new IllegalStateException(e);
            }
            fake.reset();
            forgetLastChecks();
        });
        asserter.assertThat(() -> probe.run(), results -> assertThat(results).allMatch(r -> r.status().equals("healthy")));
    }

    @Test
    void healthShowsInTheCatalogue() {
        Api user = Api.signIn(Tokens.unique("viewer"), Tokens.unique("health-org"), "viewer");
        user.request().get("/api/agents").then().statusCode(200)
                .body("find { it.name == 'droid' }.status.health", org.hamcrest.Matchers.notNullValue());
        assertThat(List.of("healthy", "degraded", "unhealthy", "unknown")).contains(
                (String) user.request().get("/api/agents").then().extract().path("find { it.name == 'ccrouter' }.status.health"));
        user.request().get("/api/agents/droid/circuit-breaker").then().statusCode(200).body("agent", equalTo("droid"));
    }
}
