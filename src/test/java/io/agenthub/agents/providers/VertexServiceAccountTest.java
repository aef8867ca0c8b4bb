package io.agenthub.agents.providers;

import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

import io.agenthub.testing.Api;
import io.agenthub.testing.FakeProviders;
import io.agenthub.testing.FakeProviders.Scripted;
import io.agenthub.testing.InjectFake;
import io.agenthub.testing.Tokens;
import io.quarkus.test.common.TestResourceScope;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;

/** ccrouter authenticated with a Google service-account key: signed assertions exchanged for cached tokens. */
@QuarkusTest
@WithTestResource(value = FakeProviders.class, scope = TestResourceScope.GLOBAL)
@TestProfile(VertexServiceAccountTest.ServiceAccount.class)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class VertexServiceAccountTest {

    static final String CLIENT_EMAIL = FakeProviders.SERVICE_ACCOUNT_EMAIL;

    /** Signs in to Vertex AI with the service-account key the fake Google issued, instead of a fixed token. */
    public static class ServiceAccount implements QuarkusTestProfile {

        @Override
        public Map<String, String> getConfigOverrides() {
            // the probe stays out of the way: these tests count token exchanges
            return Map.of("agent-hub.providers.vertex.service-account-key", "${" + FakeProviders.SERVICE_ACCOUNT_KEY_PROPERTY + "}",
                    "agent-hub.agents.health-first-delay", "1h");
        }
    }

    @InjectFake
    FakeProviders fake;

    Api user;

    @BeforeEach
    void signIn() {
        fake.reset();
        user = Api.signIn(Tokens.unique("vertex-sa"), Tokens.unique("vertex-sa-org"), "owner");
    }

    String session() {
        return user.request().body(Map.of("agent", "ccrouter", "model", "gemini-1.5-flash")).post("/api/chat/sessions")
                .then().statusCode(201).extract().path("id");
    }

    int send(String session) {
        return user.request().body(Map.of("content", "hello")).post("/api/chat/sessions/" + session + "/messages").statusCode();
    }

    @Test
    @Order(1)
    void concurrentFirstCallsShareOneSignedExchangeAndLaterCallsReuseTheToken() throws Exception {
        List<String> sessions = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            sessions.add(session());
        }
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            List<CompletableFuture<Integer>> calls = sessions.stream()
                    .map(s -> CompletableFuture.supplyAsync(() -> send(s), pool)).toList();
            assertThat(calls.stream().map(CompletableFuture::join)).containsOnly(200);
        } finally {
            pool.shutdown();
        }
        assertThat(send(sessions.get(0))).isEqualTo(200);

        assertThat(fake.assertions).hasSize(1);
        Map<String, Object> assertion = fake.assertions.get(0);
        assertThat(assertion).containsEntry("iss", CLIENT_EMAIL).containsEntry("aud", fake.tokenUri())
                .containsEntry("scope", "https://www.googleapis.com/auth/cloud-platform");
        assertThat(((Number) assertion.get("exp")).longValue() - ((Number) assertion.get("iat")).longValue()).isEqualTo(3600);
        assertThat(assertion.get("header")).isEqualTo(Map.of("alg", "RS256", "typ", "JWT", "kid", "key-1"));
        assertThat(fake.vertexTokens).hasSize(5).containsOnly("Bearer ya29.sa-1");
    }

    @Test
    @Order(2)
    void aRefusedTokenIsExchangedAgainAndARefusedKeyIsAClearBadGateway() {
        String session = session();
        // Vertex AI no longer accepts the cached token: the call fails, and the token is dropped
        fake.scriptVertex(Scripted.error(401, Map.of("error", Map.of("code", 401,
                "message", "Request had invalid authentication credentials.", "status", "UNAUTHENTICATED"))));
        user.request().body(Map.of("content", "hello")).post("/api/chat/sessions/" + session + "/messages").then()
                .statusCode(502).body("detail", containsString("provider credentials rejected"));
        assertThat(fake.assertions).isEmpty();

        // the key itself is refused at the token endpoint
        fake.rejectAssertions = true;
        user.request().body(Map.of("content", "hello")).post("/api/chat/sessions/" + session + "/messages").then()
                .statusCode(502).contentType(containsString("application/problem+json"))
                .body("detail", containsString("provider credentials rejected"))
                .body("detail", containsString("invalid_grant"))
                .body("providerError", equalTo("unauthorized"));
        assertThat(fake.assertions).hasSize(1);

        fake.rejectAssertions = false;
        assertThat(send(session)).isEqualTo(200);
        assertThat(fake.assertions).hasSize(2);
        assertThat(fake.vertexTokens.get(fake.vertexTokens.size() - 1)).isEqualTo("Bearer ya29.sa-2");
    }
}
