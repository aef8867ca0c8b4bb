package io.agenthub.web;

import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.notNullValue;

import org.junit.jupiter.api.Test;

import io.agenthub.dev.EmbeddedPostgres;
import io.agenthub.testing.Api;
import io.agenthub.testing.Management;
import io.agenthub.testing.PackagedServices;
import io.agenthub.testing.Tokens;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusIntegrationTest;

/** The packaged application while its database is down, and after it comes back. */
@QuarkusIntegrationTest
@WithTestResource(PackagedServices.class)
class DatabaseOutageIT {

    @Test
    void anOutageIsA503ProblemToRetryAndTheServiceRecoversOnItsOwn() throws Exception {
        Api user = Api.signIn(Tokens.unique("it-outage"), Tokens.unique("it-outage-org"), "owner");
        EmbeddedPostgres.stopForOutage();
        try {
            user.request().get("/api/me").then().statusCode(503)
                    .contentType("application/problem+json")
                    .header("Retry-After", notNullValue())
                    .body("status", equalTo(503)).body("requestId", notNullValue());
            user.request().get("/api/chat/sessions").then().statusCode(503).contentType("application/problem+json");
            Management.given().get("/q/health/ready").then().statusCode(503);
        } finally {
            EmbeddedPostgres.endOutage();
        }
        awaitOk(user);
        Management.given().get("/q/health/ready").then().statusCode(200);
    }

    @Test
    void readinessDoesNotFlapOnceTheDatabaseIsBack() throws Exception {
        Api user = Api.signIn(Tokens.unique("it-restart"), Tokens.unique("it-restart-org"), "owner");
        Management.given().get("/q/health/ready").then().statusCode(200);
        // a restart nobody probes readiness through: both pools keep connections the database dropped
        EmbeddedPostgres.stopForOutage();
        EmbeddedPostgres.endOutage();
        awaitOk(user);
        Management.given().get("/q/health/ready").then().statusCode(200);
    }

    private static void awaitOk(Api user) throws InterruptedException {
        long deadline = System.nanoTime() + 20_000_000_000L;
        while (user.request().get("/api/me").statusCode() != 200 && System.nanoTime() < deadline) {
            Thread.sleep(100);
        }
        user.request().get("/api/me").then().statusCode(200);
    }
}
