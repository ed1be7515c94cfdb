package io.imsystem.common.testing;

import static io.restassured.RestAssured.given;

import io.restassured.specification.RequestSpecification;
import java.net.URL;

/**
 * Requests to a service's management port (where /q/health, /q/metrics, /q/openapi are) in a
 * {@code @QuarkusTest}: inject {@code @TestHTTPResource(value = "/", management = true) URL management}
 * and call {@code Management.on(management).get("/q/health/ready")}.
 */
public final class Management {

    private Management() {
    }

    /** A request to the host and port of {@code management} (its path, the management root /q, left out). */
    public static RequestSpecification on(URL management) {
        return given().baseUri(management.getProtocol() + "://" + management.getHost()).port(management.getPort()).basePath("");
    }
}
