package io.agenthub.tenancy;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.equalTo;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

import io.agenthub.testing.Api;
import io.agenthub.testing.Database;
import io.agenthub.testing.Tokens;
import io.quarkus.test.junit.QuarkusTest;

/** Who belongs to an organisation, and who may change that, including when two requests race. */
@QuarkusTest
class MembershipRulesTest {

    private static final ExecutorService POOL = Executors.newFixedThreadPool(4);

    @AfterAll
    static void stop() {
        POOL.shutdownNow();
    }

    private static long owners(String org) throws Exception {
        return Database.countAsSystem("SELECT count(*) FROM users u JOIN organizations o ON o.id = u.organization_id "
                + "WHERE o.external_id = ? AND u.role = 'owner' AND u.is_active", org);
    }

    @Test
    void aTokenNamingAnotherOrganisationIsRefusedNotServed() throws Exception {
        String subject = Tokens.unique("member");
        String home = Tokens.unique("home-org");
        String elsewhere = Tokens.unique("elsewhere-org");
        Api.signIn(subject, home, "member");
        given().auth().oauth2(Tokens.token(subject, elsewhere, "member")).get("/api/me").then().statusCode(403)
                .contentType("application/problem+json").body("code", equalTo("organization_mismatch"));
        assertThat(Database.countAsSystem("SELECT count(*) FROM organizations WHERE external_id = ?", elsewhere)).isZero();
        // the account itself is untouched
        given().auth().oauth2(Tokens.token(subject, home, "member")).get("/api/me").then().statusCode(200);
    }

    @Test
    void onlyAnOwnerDeactivatesAnOwner() {
        String org = Tokens.unique("deactivate-org");
        Api owner = Api.signIn(Tokens.unique("owner"), org, "owner");
        Api second = Api.signIn(Tokens.unique("second"), org, "member");
        Api admin = Api.signIn(Tokens.unique("admin"), org, "admin");
        String ownerId = owner.id();
        owner.request().body(Map.of("role", "owner")).patch("/api/users/" + second.id()).then().statusCode(200);
        admin.request().body(Map.of("active", false)).patch("/api/users/" + ownerId).then().statusCode(403)
                .contentType("application/problem+json");
        second.request().body(Map.of("active", false)).patch("/api/users/" + ownerId).then().statusCode(200);
        admin.request().body(Map.of("active", true)).patch("/api/users/" + ownerId).then().statusCode(403);
    }

    @Test
    void twoOwnersDemotingEachOtherAtOnceLeaveOne() throws Exception {
        for (int round = 0; round < 4; round++) {
            String org = Tokens.unique("demote-org");
            Api first = Api.signIn(Tokens.unique("first"), org, "owner");
            Api second = Api.signIn(Tokens.unique("second"), org, "member");
            String firstId = first.id();
            String secondId = second.id();
            first.request().body(Map.of("role", "owner")).patch("/api/users/" + secondId).then().statusCode(200);
            CyclicBarrier together = new CyclicBarrier(2);
            Future<Integer> a = POOL.submit(() -> {
                together.await();
                return first.request().body(Map.of("role", "admin")).patch("/api/users/" + secondId).statusCode();
            });
            Future<Integer> b = POOL.submit(() -> {
                together.await();
                return second.request().body(Map.of("role", "admin")).patch("/api/users/" + firstId).statusCode();
            });
            // the loser is refused as the last owner (409), or, once demoted, as no owner at all (403)
            List<Integer> outcomes = List.of(a.get(), b.get());
            assertThat(outcomes).as("round " + round).containsOnlyOnce(200);
            assertThat(outcomes).as("round " + round).containsAnyOf(403, 409);
            assertThat(owners(org)).as("owners left in round " + round).isEqualTo(1);
        }
    }

    @Test
    void twoFirstSignInsAtOnceMakeOneOwner() throws Exception {
        for (int round = 0; round < 4; round++) {
            String org = Tokens.unique("first-org");
            CyclicBarrier together = new CyclicBarrier(2);
            List<Future<Integer>> signIns = new ArrayList<>();
            for (int i = 0; i < 2; i++) {
                String token = Tokens.token(Tokens.unique("founder"), org, "member");
                signIns.add(POOL.submit(() -> {
                    together.await();
                    return given().auth().oauth2(token).get("/api/me").statusCode();
                }));
            }
            for (Future<Integer> signIn : signIns) {
                assertThat(signIn.get()).isEqualTo(200);
            }
            assertThat(owners(org)).as("owners of a new organisation in round " + round).isEqualTo(1);
        }
    }

    @Test
    void theOrganisationsUserLimitHolds() {
        String org = Tokens.unique("small-org");
        Api owner = Api.signIn(Tokens.unique("owner"), org, "owner");
        owner.request().body(Map.of("maxUsers", 2)).patch("/api/organizations/current").then().statusCode(200);
        Api second = Api.signIn(Tokens.unique("second"), org, "member");
        given().auth().oauth2(Tokens.token(Tokens.unique("third"), org, "member")).get("/api/me").then().statusCode(403)
                .contentType("application/problem+json").body("code", equalTo("organization_full"));
        String secondId = second.id();
        owner.request().body(Map.of("active", false)).patch("/api/users/" + secondId).then().statusCode(200);
        Api third = Api.signIn(Tokens.unique("third"), org, "member");
        owner.request().body(Map.of("active", true)).patch("/api/users/" + secondId).then().statusCode(409)
                .contentType("application/problem+json");
        owner.request().body(Map.of("active", false)).patch("/api/users/" + third.id()).then().statusCode(200);
        owner.request().body(Map.of("active", true)).patch("/api/users/" + secondId).then().statusCode(200);
    }
}
