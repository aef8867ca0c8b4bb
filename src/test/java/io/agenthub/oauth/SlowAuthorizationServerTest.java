package io.agenthub.oauth;

import static io.agenthub.testing.Database.update;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.equalTo;

import java.sql.Connection;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import org.junit.jupiter.api.Test;

import io.agenthub.testing.Api;
import io.agenthub.testing.Database;
import io.agenthub.testing.Database.Caller;
import io.agenthub.testing.FakeOAuthServers;
import io.agenthub.testing.InjectFake;
import io.agenthub.testing.Tokens;
import io.quarkus.test.common.TestResourceScope;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;

/**
 * One member's slow authorization server must not hold what every tenant shares: while its
 * refresh hangs, no connection waits on it, other tenants are served as usual, and it still
 * refreshes once for all its callers. The pool holds 3 connections in tests.
 */
@QuarkusTest
@WithTestResource(value = FakeOAuthServers.class, scope = TestResourceScope.GLOBAL)
class SlowAuthorizationServerTest {

    @InjectFake
    FakeOAuthServers fake;

    @Test
    void otherTenantsAreServedWhileARefreshHangs() throws Exception {
        Api slow = Api.signIn(Tokens.unique("slow"), Tokens.unique("slow-org"), "owner");
        Api other = Api.signIn(Tokens.unique("other"), Tokens.unique("other-org"), "owner");
        OAuthFlowTest.connect(slow, fake);
        Database.as(Caller.system(), c -> update(c, "UPDATE mcp_oauth_tokens SET expires_at = now() "
                + "WHERE user_id = (SELECT id FROM users WHERE oidc_subject = ?)", slow.subject()));
        int refreshes = fake.refreshCalls.get();
        fake.refreshDelayMs = 2500;
        ExecutorService pool = Executors.newFixedThreadPool(10);
        try {
            List<Future<Map<String, Map<String, Object>>>> exports = new ArrayList<>();
            for (int i = 0; i < 8; i++) {
                exports.add(pool.submit(() -> OAuthFlowTest.exported(slow)));
            }
            Thread.sleep(500);
            long worst = 0;
            for (int i = 0; i < 5; i++) {
                long start = System.nanoTime();
                other.request().get("/api/mcp/configurations").then().statusCode(200);
                worst = Math.max(worst, (System.nanoTime() - start) / 1_000_000);
            }
            long waiting;
            try (Connection c = Database.superuser("agent_hub")) {
                waiting = Database.count(c, "SELECT count(*) FROM pg_stat_activity WHERE usename = 'agent_hub_app' "
                        + "AND (state LIKE 'idle in transaction%' OR wait_event_type = 'Lock')");
            }
            assertThat(waiting).as("connections held in a transaction or waiting on a lock during the refresh").isZero();
            assertThat(worst).as("ms for another tenant's request during the refresh (it hangs 2,500 ms)").isLessThan(1_500);
            for (var export : exports) {
                assertThat(export.get().values()).anySatisfy(server -> assertThat(server.get("connectionStatus")).isEqualTo("connected"));
            }
            assertThat(fake.refreshCalls.get()).as("upstream refreshes for 8 callers").isEqualTo(refreshes + 1);
        } finally {
            fake.refreshDelayMs = 0;
            pool.shutdownNow();
        }
    }

    @Test
    void aConnectionAuthorizedAgainDuringARefreshKeepsItsNewTokens() throws Exception {
        Api user = Api.signIn(Tokens.unique("again"), Tokens.unique("again-org"), "owner");
        String configId = OAuthFlowTest.connect(user, fake);
        Database.as(Caller.system(), c -> update(c, "UPDATE mcp_oauth_tokens SET expires_at = now() WHERE mcp_configuration_id = ?::uuid",
                configId));
        fake.refreshDelayMs = 1500;
        ExecutorService pool = Executors.newSingleThreadExecutor();
        try {
            Future<Map<String, Map<String, Object>>> export = pool.submit(() -> OAuthFlowTest.exported(user));
            Thread.sleep(400);
            // the server forgets the old grant (the refresh in flight will be refused) and the user authorizes anew
            fake.withdrawConsent();
            String url = OAuthFlowTest.authorize(user, configId);
            OAuthFlowTest.callback(user, OAuthFlowTest.state(url), fake.approve(url)).then().statusCode(200);
            export.get();
            // the refused refresh belonged to the old tokens: the new connection is not marked for it
            user.request().get("/api/mcp/configurations/" + configId + "/oauth").then().statusCode(200)
                    .body("status", equalTo("active"));
        } finally {
            fake.refreshDelayMs = 0;
            pool.shutdownNow();
        }
    }

    @Test
    void theServicesRoleIsBoundedByTimeouts() throws Exception {
        try (Connection c = Database.app(); var s = c.createStatement()) {
            for (var expected : Map.of("statement_timeout", "30s", "lock_timeout", "5s",
                    "idle_in_transaction_session_timeout", "1min").entrySet()) {
                var rs = s.executeQuery("SHOW " + expected.getKey());
                rs.next();
                assertThat(rs.getString(1)).as(expected.getKey()).isEqualTo(expected.getValue());
            }
        }
    }
}
