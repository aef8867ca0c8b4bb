package io.agenthub.testing;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.hasSize;

import java.util.List;
import java.util.Map;

import io.restassured.http.ContentType;
import io.restassured.specification.RequestSpecification;

/** A signed-in client of the API. */
public record Api(String subject, String org, String token) {

    public static Api signIn(String subject, String org, String... roles) {
        Api api = new Api(subject, org, Tokens.token(subject, org, roles));
        api.request().get("/api/me").then().statusCode(200);
        return api;
    }

    public RequestSpecification request() {
        return given().auth().oauth2(token).contentType(ContentType.JSON).accept(ContentType.JSON);
    }

    public String id() {
        return request().get("/api/me").then().statusCode(200).extract().path("user.id");
    }

    /** The same user signed in a second time (another device, token {@code sid}), whose session this one then revokes. */
    public Api revokeSecondSession() {
        Api second = new Api(subject, org, Tokens.withClaims(subject, Map.of("org_id", org, "sid", "second-device")));
        second.request().get("/api/me").then().statusCode(200);
        List<Map<String, Object>> sessions = request().get("/api/me/sessions").then().statusCode(200)
                .body("items", hasSize(2)).extract().path("items");
        String other = sessions.stream().filter(s -> !(Boolean) s.get("current")).findFirst().orElseThrow().get("id").toString();
        request().delete("/api/me/sessions/" + other).then().statusCode(204);
        return second;
    }

    public String orgId() {
        return request().get("/api/me").then().statusCode(200).extract().path("organization.id");
    }
}
