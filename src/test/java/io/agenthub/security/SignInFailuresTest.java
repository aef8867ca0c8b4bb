package io.agenthub.security;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import java.util.function.Supplier;

import org.junit.jupiter.api.Test;

import io.agenthub.dev.LocalIssuer;
import io.agenthub.testing.Api;
import io.agenthub.testing.Scrape;
import io.agenthub.testing.Tokens;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.Response;

/** Refused sign-ins are told apart for operators (counted by reason), never for clients. */
@QuarkusTest
class SignInFailuresTest {

    static double failures(String reason) {
        return Scrape.sum("agent_hub_auth_failures_total{reason=\"" + reason + "\"}");
    }

    static void refused(String reason, int status, Supplier<Response> call) {
        double before = failures(reason);
        call.get().then().statusCode(status).contentType("application/problem+json");
        assertThat(failures(reason)).as(reason).isEqualTo(before + 1);
    }

    @Test
    void everyReasonIsCountedApart() {
        String org = Tokens.unique("refused");
        String sub = Tokens.unique("user");
        refused("missing", 401, () -> given().get("/api/me"));
        refused("malformed", 401, () -> given().auth().oauth2("not-a-jwt").get("/api/me"));
        refused("expired", 401, () -> given().auth().oauth2(Tokens.expired(sub, org, "owner")).get("/api/me"));
        refused("signature", 401, () -> given().auth().oauth2(Tokens.forged(sub, org, "owner")).get("/api/me"));
        refused("issuer", 401, () -> given().auth().oauth2(Tokens.wrongIssuer(sub, org, "owner")).get("/api/me"));
        refused("audience", 401, () -> given().auth().oauth2(Tokens.wrongAudience(sub, org, "owner")).get("/api/me"));
        refused("unknown_key", 401, () -> given().auth().oauth2(Tokens.unknownKey(sub, org, "owner")).get("/api/me"));
        refused("no_organisation", 403, () -> given().auth().oauth2(Tokens.withClaims(Tokens.unique("orphan"), Map.of()))
                .get("/api/me"));

        Api first = Api.signIn(sub, org, "owner");
        Api second = first.revokeSecondSession();
        refused("revoked_session", 401, () -> second.request().get("/api/me"));
    }

    @Test
    void everyReasonIsExposedFromTheStart() {
        String scrape = given().get("/q/metrics").then().statusCode(200).extract().asString();
        for (String reason : AuthFailures.REASONS) {
            assertThat(scrape).contains("agent_hub_auth_failures_total{reason=\"" + reason + "\"");
        }
    }

    /**
     * Someone spends the service's JWKS refetch with a token of another realm; then the identity
     * provider rotates its key. Tokens signed with the new key are accepted within a minute, and
     * the unknown key did not make the service fetch on every request.
     */
    @Test
    void aRotatedKeyIsAcceptedWithinAMinuteAfterAnUnknownKeySpentTheRefetch() throws Exception {
        String org = Tokens.unique("rotation");
        String sub = Tokens.unique("user");
        Api before = Api.signIn(sub, org, "owner");
        given().auth().oauth2(Tokens.unknownKey(sub, org, "owner")).get("/api/me").then().statusCode(401);
        LocalIssuer.rotate();
        String rotated = Tokens.token(sub, org, "owner");
        long started = System.nanoTime();
        int status = 0;
        while (status != 200 && System.nanoTime() - started < 60_000_000_000L) {
            status = given().auth().oauth2(rotated).get("/api/me").statusCode();
            if (status != 200) {
                Thread.sleep(1_000);
            }
        }
        assertThat(status).as("a token of the rotated key within a minute").isEqualTo(200);
        // tokens of the earlier key stay valid: the provider still publishes it
        before.request().get("/api/me").then().statusCode(200);
    }
}
