package io.agenthub.testing;

import io.restassured.RestAssured;
import io.restassured.specification.RequestSpecification;

/**
 * Requests to the operators' surfaces (/q/metrics, /q/health, /q/openapi): on the management
 * interface's own port in the packaged application, on the HTTP port under {@code @QuarkusTest}.
 */
public final class Management {

    private Management() {
    }

    public static RequestSpecification given() {
        int port = PackagedServices.managementPort();
        return port > 0 ? RestAssured.given().port(port) : RestAssured.given();
    }
}
