package io.agenthub.keys;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;

import java.util.Map;

import org.junit.jupiter.api.Test;

import io.agenthub.testing.Api;
import io.agenthub.testing.PackagedServices;
import io.agenthub.testing.Tokens;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusIntegrationTest;

/** An API key made, used as a bearer token and as x-api-key, and revoked, against the packaged application. */
@QuarkusIntegrationTest
@WithTestResource(PackagedServices.class)
class ApiKeyIT {

    @Test
    void aKeyWorksWhereATokenWorksUntilItIsRevoked() {
        Api user = Api.signIn(Tokens.unique("it-coder"), Tokens.unique("it-keys-org"), "member");
        String key = user.request().body(Map.of("name", "agent")).post("/api/me/api-keys").then().statusCode(201).extract().path("key");
        String id = user.request().get("/api/me/api-keys").then().statusCode(200).extract().path("items[0].id");
        given().auth().oauth2(key).get("/api/me").then().statusCode(200).body("user.id", equalTo(user.id()));
        given().header("x-api-key", key).get("/v1/models").then().statusCode(200);
        user.request().delete("/api/me/api-keys/" + id).then().statusCode(204);
        given().auth().oauth2(key).get("/api/me").then().statusCode(401).contentType("application/problem+json");
    }
}
