package io.agenthub.security;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.equalTo;

import java.time.Duration;

import jakarta.inject.Inject;

import org.junit.jupiter.api.Test;

import io.agenthub.testing.Scrape;
import io.agenthub.testing.Tokens;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.quarkus.security.identity.SecurityIdentity;
import io.quarkus.test.junit.QuarkusTest;

/** A token is verified once, then trusted by its exact text until its expiry or the TTL, whichever is first. */
@QuarkusTest
class VerifiedTokensTest {

    @Inject
    VerifiedTokens tokens;

    @Test
    void aRememberedTokenIsRefusedAsExpiredTheMomentItExpires() throws Exception {
        String org = Tokens.unique("remembered");
        String sub = Tokens.unique("user");
        String token = Tokens.expiringIn(3, sub, org, "owner");
        given().auth().oauth2(token).get("/api/me").then().statusCode(200);
        SecurityIdentity remembered = tokens.find(token);
        assertThat(remembered).as("remembered after its first verification").isNotNull();
        assertThat(remembered.getPrincipal().getName()).isEqualTo(sub);
        double reuses = Scrape.sum("agent_hub_verified_token_reuses_total");
        given().auth().oauth2(token).get("/api/me").then().statusCode(200).body("user.subject", equalTo(sub));
        assertThat(Scrape.sum("agent_hub_verified_token_reuses_total")).as("the second request's token, not verified again")
                .isEqualTo(reuses + 1);
        // the same claims with one character changed are another token: verified, and refused
        char changed = token.charAt(token.length() - 2) == 'A' ? 'B' : 'A';
        String tampered = token.substring(0, token.length() - 2) + changed + token.charAt(token.length() - 1);
        given().auth().oauth2(tampered).get("/api/me").then().statusCode(401);

        Thread.sleep(Duration.ofSeconds(4).toMillis());
        assertThat(tokens.find(token)).isNull();
        double expired = SignInFailuresTest.failures(AuthFailures.EXPIRED);
        given().auth().oauth2(token).get("/api/me").then().statusCode(401).contentType("application/problem+json");
        assertThat(SignInFailuresTest.failures(AuthFailures.EXPIRED)).isEqualTo(expired + 1);
    }

    @Test
    void theCacheIsBoundedAndForgetsByTtl() throws Exception {
        VerifiedTokens small = new VerifiedTokens(config(Duration.ofMillis(300), 2), new SimpleMeterRegistry());
        SecurityIdentity identity = tokens.find(remembered());
        small.remember("a", identity);
        small.remember("b", identity);
        small.remember("c", identity);
        assertThat(small.find("a")).isNotNull();
        assertThat(small.find("b")).isNotNull();
        assertThat(small.find("c")).as("beyond the bound: verified each time, not remembered").isNull();
        Thread.sleep(400);
        assertThat(small.find("a")).as("past the TTL").isNull();
        small.remember("c", identity);
        assertThat(small.find("c")).as("room made by expired entries").isNotNull();

        VerifiedTokens off = new VerifiedTokens(config(Duration.ZERO, 10), new SimpleMeterRegistry());
        off.remember("a", identity);
        assertThat(off.find("a")).as("a zero TTL verifies every request").isNull();
    }

    private String remembered() {
        String token = Tokens.token(Tokens.unique("user"), Tokens.unique("remembered"), "owner");
        given().auth().oauth2(token).get("/api/me").then().statusCode(200);
        assertThat(tokens.find(token)).isNotNull();
        return token;
    }

    private static VerifiedTokensConfig config(Duration ttl, int maxEntries) {
        return new VerifiedTokensConfig() {
            @Override
            public Duration ttl() {
                return ttl;
            }

            @Override
            public int maxEntries() {
                return maxEntries;
            }
        };
    }
}
