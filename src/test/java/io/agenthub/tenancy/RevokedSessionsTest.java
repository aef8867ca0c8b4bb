package io.agenthub.tenancy;

import static io.agenthub.testing.Database.update;
import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.hasSize;

import java.time.Instant;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import io.agenthub.testing.Database;
import io.agenthub.testing.Database.Caller;
import io.agenthub.testing.Tokens;
import io.quarkus.test.junit.QuarkusTest;

/** A revoked session stays revoked for every token its identity provider can still mint for it. */
@QuarkusTest
class RevokedSessionsTest {

    /** Signs in with both logins; the first revokes the second; returns nothing, refusals are the test's. */
    private static void revokeSecond(String first, String second) {
        given().auth().oauth2(first).get("/api/me").then().statusCode(200);
        given().auth().oauth2(second).get("/api/me").then().statusCode(200);
        List<Map<String, Object>> sessions = given().auth().oauth2(first).get("/api/me/sessions").then().statusCode(200)
                .body("items", hasSize(2)).extract().path("items");
        String other = sessions.stream().filter(s -> !(Boolean) s.get("current")).findFirst().orElseThrow().get("id").toString();
        given().auth().oauth2(first).delete("/api/me/sessions/" + other).then().statusCode(204);
        given().auth().oauth2(second).get("/api/me").then().statusCode(401);
    }

    private static Map<String, Object> claims(String org, Object... pairs) {
        Map<String, Object> claims = new java.util.HashMap<>(Map.of("org_id", org, "roles", List.of("member")));
        for (int i = 0; i < pairs.length; i += 2) {
            claims.put((String) pairs[i], pairs[i + 1]);
        }
        return claims;
    }

    @Test
    void aRevokedSessionIdRefusesRefreshedTokensAlsoAfterItsRowExpired() throws Exception {
        String subject = Tokens.unique("user");
        String org = Tokens.unique("sid-org");
        revokeSecond(Tokens.withClaims(subject, claims(org, "sid", "laptop")), Tokens.withClaims(subject, claims(org, "sid", "phone")));
        long now = Instant.now().getEpochSecond();
        // the provider refreshes the phone's tokens: same session id, later times
        String refreshed = Tokens.withClaims(subject, claims(org, "sid", "phone", "iat", now + 1, "exp", now + 1800));
        given().auth().oauth2(refreshed).get("/api/me").then().statusCode(401).contentType("application/problem+json");
        // the revoked row's own expiry passes and housekeeping runs: the revocation outlives it
        Database.as(Caller.system(), c -> update(c, "UPDATE user_sessions SET created_at = now() - interval '2 hours', expires_at = now() - interval '1 minute' "
                + "WHERE session_key = 'sid:phone' AND user_id = (SELECT id FROM users WHERE oidc_subject = ?)", subject));
        Database.as(Caller.system(), c -> Database.single(c, "SELECT cleanup_expired_sessions()"));
        given().auth().oauth2(Tokens.withClaims(subject, claims(org, "sid", "phone", "iat", now + 2, "exp", now + 3600)))
                .get("/api/me").then().statusCode(401);
        given().auth().oauth2(Tokens.withClaims(subject, claims(org, "sid", "laptop"))).get("/api/me").then().statusCode(200);
    }

    @Test
    void withoutASessionIdTheAuthenticationTimeKeepsTheSession() {
        String subject = Tokens.unique("user");
        String org = Tokens.unique("auth-time-org");
        long now = Instant.now().getEpochSecond();
        revokeSecond(Tokens.withClaims(subject, claims(org, "auth_time", now - 600)),
                Tokens.withClaims(subject, claims(org, "auth_time", now - 300)));
        given().auth().oauth2(Tokens.withClaims(subject, claims(org, "auth_time", now - 300, "iat", now + 1, "exp", now + 1800)))
                .get("/api/me").then().statusCode(401);
        // signing in again is another authentication, another session
        given().auth().oauth2(Tokens.withClaims(subject, claims(org, "auth_time", now))).get("/api/me").then().statusCode(200);
    }
}
