package io.agenthub.audit;

import static io.agenthub.testing.Database.count;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.equalTo;

import java.sql.SQLException;
import java.util.Map;
import java.util.UUID;

import jakarta.inject.Inject;

import org.junit.jupiter.api.Test;

import io.agenthub.tenancy.TenantTransactions;
import io.agenthub.testing.Api;
import io.agenthub.testing.Database;
import io.agenthub.testing.Database.Caller;
import io.agenthub.testing.Tokens;
import io.quarkus.arc.Arc;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.vertx.RunOnVertxContext;
import io.quarkus.test.vertx.UniAsserter;
import io.smallrye.mutiny.Uni;

@QuarkusTest
class AuditTrailTest {

    @Inject
    TenantTransactions transactions;

    @Inject
    AuditTrail audit;

    @Test
    void everyMutationLeavesExactlyOneRowWithItsContext() throws SQLException {
        Api owner = Api.signIn(Tokens.unique("owner"), Tokens.unique("audited"), "owner");
        String orgId = owner.orgId();
        long before = auditRows(orgId);
        // forwarded headers from a peer that is no configured proxy are not believed
        String id = owner.request().header("X-Request-Id", "audit-req-1").header("User-Agent", "audit-test/1.0")
                .header("X-Forwarded-For", "203.0.113.9").header("Forwarded", "for=203.0.113.9")
                .body(Map.of("scope", "organization", "name", "house-rules", "content", "be kind"))
                .post("/api/system-prompts").then().statusCode(201).extract().path("id");
        owner.request().body(Map.of("content", "be very kind")).patch("/api/system-prompts/" + id).then().statusCode(200);
        owner.request().delete("/api/system-prompts/" + id).then().statusCode(204);
        // a refused mutation and a no-op write nothing
        owner.request().body(Map.of("scope", "global", "name", "g", "content", "c")).post("/api/system-prompts").then().statusCode(403);
        owner.request().body(Map.of("name", "audited org")).patch("/api/organizations/current").then().statusCode(200);
        owner.request().body(Map.of("name", "audited org")).patch("/api/organizations/current").then().statusCode(200);
        assertThat(auditRows(orgId) - before).isEqualTo(4);

        owner.request().get("/api/audit-logs?action=system_prompt&resourceType=system_prompt&limit=10").then().statusCode(200)
                .body("items.size()", equalTo(3))
                .body("items[0].action", equalTo("system_prompt.delete"))
                .body("items[2].action", equalTo("system_prompt.create"))
                .body("items[2].requestId", org.hamcrest.Matchers.matchesPattern("[0-9a-f-]{36}"))
                .body("items[2].details.clientRequestId", equalTo("audit-req-1"))
                .body("items[2].userAgent", equalTo("audit-test/1.0"))
                .body("items[2].ipAddress", equalTo("127.0.0.1"))
                .body("items[2].actorSubject", equalTo(owner.subject()))
                .body("items[1].details.content.length", equalTo(12));
    }

    @Test
    void auditPagesAreStableAndFiltered() {
        Api owner = Api.signIn(Tokens.unique("owner"), Tokens.unique("paged"), "owner");
        for (int i = 0; i < 5; i++) {
            owner.request().body(Map.of("scope", "user", "name", "p" + i, "content", "c")).post("/api/system-prompts")
                    .then().statusCode(201);
        }
        String cursor = owner.request().get("/api/audit-logs?action=system_prompt.create&limit=3").then().statusCode(200)
                .body("items.size()", equalTo(3)).extract().path("nextCursor");
        owner.request().get("/api/audit-logs?action=system_prompt.create&limit=3&cursor=" + cursor).then().statusCode(200)
                .body("items.size()", equalTo(2)).body("nextCursor", equalTo(null));
        owner.request().get("/api/audit-logs?from=2999-01-01T00:00:00Z").then().statusCode(200).body("items.size()", equalTo(0));
        owner.request().get("/api/audit-logs?from=2030-01-01T00:00:00Z&to=2020-01-01T00:00:00Z").then().statusCode(400);
    }

    @Test
    @RunOnVertxContext
    void aRolledBackTransactionLeavesNoAuditRow(UniAsserter asserter) {
        UUID marker = UUID.randomUUID();
        asserter.execute(() -> Arc.container().requestContext().activate());
        asserter.assertFailedWith(() -> transactions.asSystem(() -> audit
                .recordFor(null, "test.rollback", "test", marker, Map.of())
                .chain(() -> Uni.createFrom().failure(new IllegalStateException("the change failed")))),
                IllegalStateException.class);
        asserter.execute(() -> {
            try {
                long rows = Database.probe(Caller.system(), c -> count(c, "SELECT count(*) FROM audit_logs WHERE resource_id = ?",
                        marker.toString()));
                assertThat(rows).isZero();
            } catch (SQLException e) {
                throw new IllegalStateException(e);
            }
        });
        asserter.surroundWith(uni -> uni.eventually(() -> Arc.container().requestContext().terminate()));
    }

    private static long auditRows(String orgId) throws SQLException {
        return Database.probe(Caller.system(), c -> count(c, "SELECT count(*) FROM audit_logs WHERE organization_id = ?::uuid", orgId));
    }
}
