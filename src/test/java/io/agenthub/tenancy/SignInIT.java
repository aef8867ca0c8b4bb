package io.agenthub.tenancy;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.notNullValue;
import static org.hamcrest.Matchers.startsWith;

import org.junit.jupiter.api.Test;

import io.agenthub.testing.PackagedServices;
import io.agenthub.testing.Tokens;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusIntegrationTest;

/** Sign-in against the packaged application: OIDC discovery and keys fetched, the caller resolved in PostgreSQL. */
@QuarkusIntegrationTest
@WithTestResource(PackagedServices.class)
class SignInIT {

    @Test
    void aSignedTokenSignsInAndProvisionsTheCallerAndOrganisation() {
        String subject = Tokens.unique("it-user");
        String org = Tokens.unique("it-org");
        given().auth().oauth2(Tokens.token(subject, org, "owner")).accept("application/json").get("/api/me")
                .then().statusCode(200)
                .body("user.subject", equalTo(subject))
                .body("user.role", equalTo("owner"))
                .body("organization.externalId", equalTo(org))
                .body("organization.status", equalTo("active"));
        given().auth().oauth2(Tokens.token(subject, org, "owner")).get("/api/me/sessions").then().statusCode(200)
                .body("items[0].current", equalTo(true)).body("items[0].id", notNullValue());
    }

    @Test
    void rolesFromTheDatabaseDecideWhoMayCallWhat() {
        String org = Tokens.unique("it-roles");
        String owner = Tokens.token(Tokens.unique("it-owner"), org, "owner");
        String viewer = Tokens.token(Tokens.unique("it-viewer"), org, "viewer");
        given().auth().oauth2(owner).get("/api/me").then().statusCode(200);
        given().auth().oauth2(viewer).get("/api/me").then().statusCode(200).body("user.role", equalTo("viewer"));
        given().auth().oauth2(owner).get("/api/admin/organizations").then().statusCode(403)
                .contentType("application/problem+json").body("detail", equalTo("This needs the platform-admin role."));
        given().auth().oauth2(viewer).get("/api/metrics/agents?from=2026-01-01&to=2026-01-02").then().statusCode(403)
                .body("detail", equalTo("This needs the admin role."));
        given().auth().oauth2(viewer).contentType("application/json").body("{\"name\":\"x\"}").patch("/api/organizations/current")
                .then().statusCode(403).body("detail", equalTo("Viewers can read but not change anything."));
    }

    @Test
    void missingForgedAndExpiredTokensAre401Problems() {
        given().accept("application/json").get("/api/me").then().statusCode(401)
                .contentType("application/problem+json").header("WWW-Authenticate", startsWith("Bearer"))
                .body("status", equalTo(401)).body("requestId", notNullValue());
        given().auth().oauth2(Tokens.forged("mallory", "it-org", "owner")).get("/api/me").then().statusCode(401)
                .contentType("application/problem+json");
        given().auth().oauth2(Tokens.expired("late", "it-org", "owner")).get("/api/me").then().statusCode(401)
                .contentType("application/problem+json");
    }
}
