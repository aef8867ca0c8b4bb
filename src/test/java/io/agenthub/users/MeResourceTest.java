package io.agenthub.users;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasSize;
import static org.hamcrest.Matchers.notNullValue;

import org.junit.jupiter.api.Test;

import io.agenthub.testing.Tokens;
import io.quarkus.test.junit.QuarkusTest;

@QuarkusTest
class MeResourceTest {

    @Test
    void firstRequestProvisionsTheOrganisationAndItsOwner() {
        String org = Tokens.unique("acme");
        String sub = Tokens.unique("alice");
        String token = Tokens.token(sub, org, "member");
        given().auth().oauth2(token)
                .header("X-Workspace-Context", "{\"project\":\"apollo\"}")
                .when().get("/api/me")
                .then().statusCode(200)
                .body("user.subject", equalTo(sub))
                .body("user.role", equalTo("owner"))
                .body("user.platformAdmin", equalTo(false))
                .body("organization.externalId", equalTo(org))
                .body("organization.status", equalTo("active"));
        String second = Tokens.unique("bob");
        given().auth().oauth2(Tokens.token(second, org, "viewer"))
                .when().get("/api/me")
                .then().statusCode(200).body("user.role", equalTo("viewer"));
        given().auth().oauth2(token)
                .when().get("/api/me/sessions")
                .then().statusCode(200)
                .body("items", hasSize(1))
                .body("items[0].current", equalTo(true))
                .body("items[0].workspaceContext.project", equalTo("apollo"))
                .body("items[0].id", notNullValue());
    }

    @Test
    void noTokenIsUnauthorizedAsProblemJson() {
        given().when().get("/api/me")
                .then().statusCode(401)
                .contentType("application/problem+json")
                .body("status", equalTo(401));
    }
}
