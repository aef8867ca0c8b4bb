package io.agenthub.testing;

import static io.restassured.RestAssured.given;

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

    public String orgId() {
        return request().get("/api/me").then().statusCode(200).extract().path("organization.id");
    }
}
