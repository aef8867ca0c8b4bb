package io.agenthub.oauth;

import static io.agenthub.testing.Database.count;
import static io.agenthub.testing.Database.single;
import static io.agenthub.testing.Database.update;
import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.containsString;

import java.util.Map;
import java.util.Optional;
import java.util.UUID;


import org.junit.jupiter.api.Test;

import io.agenthub.housekeeping.HousekeepingJob;
import io.agenthub.testing.Api;
import io.agenthub.testing.Database.Caller;
import io.agenthub.testing.Database;
import io.agenthub.testing.FakeOAuthServers;
import io.agenthub.testing.InjectFake;
import io.agenthub.testing.Tokens;
import io.quarkus.test.common.TestResourceScope;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;

@QuarkusTest
@WithTestResource(value = FakeOAuthServers.class, scope = TestResourceScope.GLOBAL)
class HousekeepingAndRotationTest {

    @InjectFake
    FakeOAuthServers fake;

    static HousekeepingJob.Result housekeeping() {
        return Api.signIn("platform-admin", "platform", "owner").request().post("/api/admin/housekeeping")
                .then().statusCode(200).extract().as(HousekeepingJob.Result.class);
    }

    @Test
    void rotationReencryptsOldRowsAndTokensStayReadable() throws Exception {
        Api user = Api.signIn(Tokens.unique("user"), Tokens.unique("rotation-org"), "owner");
        String configId = OAuthFlowTest.connect(user, fake);
        Database.as(Caller.system(), c -> update(c, """
                UPDATE mcp_oauth_tokens SET
                    access_token_encrypted = encrypt_token(decrypt_token(access_token_encrypted, 'test-only-token-key-not-secret'), 'retired-test-key-not-secret'),
                    refresh_token_encrypted = encrypt_token(decrypt_token(refresh_token_encrypted, 'test-only-token-key-not-secret'), 'retired-test-key-not-secret'),
                    key_id = 'retired'
                WHERE mcp_configuration_id = ?::uuid""", configId));
        // readable under the retired key while it waits for rotation
        String before = export(user);
        assertThat(before).startsWith("Bearer fake-access-");

        HousekeepingJob.Result result = housekeeping();
        assertThat(result.ran()).isTrue();
        assertThat(result.reencrypted()).isGreaterThanOrEqualTo(1);
        Object keyId = Database.probe(Caller.system(), c -> single(c,
                "SELECT key_id FROM mcp_oauth_tokens WHERE mcp_configuration_id = ?::uuid", configId));
        long retired = Database.probe(Caller.system(), c -> count(c, "SELECT count(*) FROM mcp_oauth_tokens WHERE key_id = 'retired'"));
        assertThat(keyId).isEqualTo("test");
        assertThat(retired).isZero();
        assertThat(export(user)).isEqualTo(before);
        Api.signIn(Tokens.unique("member"), user.org(), "member").request().post("/api/admin/housekeeping").then().statusCode(403);
    }

    @Test
    void cleanupRemovesExpiredRowsAndCountsThem() throws Exception {
        UUID org = UUID.randomUUID();
        UUID userId = UUID.randomUUID();
        UUID config = UUID.randomUUID();
        Database.as(Caller.system(), c -> {
            update(c, "INSERT INTO organizations (id, name, slug) VALUES (?, 'Sweep', ?)", org, "sweep-" + org.toString().substring(0, 8));
            update(c, "INSERT INTO users (id, organization_id, oidc_subject) VALUES (?, ?, ?)", userId, org, "sub-" + userId);
            update(c, "INSERT INTO mcp_configurations (id, organization_id, name, transport, url, auth_type) VALUES (?, ?, 'o', 'http', 'https://x.example', 'oauth2')",
                    config, org);
            update(c, "INSERT INTO user_sessions (user_id, organization_id, session_key, created_at, expires_at) VALUES (?, ?, 'gone', now() - interval '1 day', now() - interval '1 minute')",
                    userId, org);
            update(c, "INSERT INTO oauth_states (state, code_verifier, redirect_uri, user_id, organization_id, mcp_configuration_id, created_at, expires_at) VALUES (?, repeat('v', 43), 'https://h/cb', ?, ?, ?, now() - interval '1 hour', now() - interval '1 minute')",
                    "s".repeat(43) + org.toString().substring(0, 8), userId, org, config);
            update(c, "INSERT INTO mcp_oauth_tokens (organization_id, user_id, mcp_configuration_id, access_token_encrypted, expires_at, key_id) VALUES (?, ?, ?, '\\x00', now() - interval '1 minute', 'test')",
                    org, userId, config);
            return null;
        });
        HousekeepingJob.Result result = housekeeping();
        assertThat(result.ran()).isTrue();
        assertThat(result.sessions()).isGreaterThanOrEqualTo(1);
        assertThat(result.states()).isGreaterThanOrEqualTo(1);
        assertThat(result.tokens()).isGreaterThanOrEqualTo(1);
        Database.probe(Caller.system(), c -> {
            assertThat(count(c, "SELECT count(*) FROM user_sessions WHERE user_id = ?", userId)).isZero();
            assertThat(count(c, "SELECT count(*) FROM oauth_states WHERE user_id = ?", userId)).isZero();
            assertThat(count(c, "SELECT count(*) FROM mcp_oauth_tokens WHERE user_id = ?", userId)).isZero();
            return null;
        });
    }

    @Test
    void cleanupIsMetered() {
        given().accept("text/plain").get("/q/metrics").then().statusCode(200)
                .body(containsString("agent_hub_cleanup_rows_total{kind=\"sessions\""));
    }

    @Test
    void aMissingPrimaryKeyStopsTheService() {
        OAuthConfig.Encryption encryption = new OAuthConfig.Encryption() {
            public String primaryKeyId() {
                return "k2";
            }

            public Map<String, String> keys() {
                return Map.of("k1", "an-old-key-long-enough");
            }
        };
        OAuthConfig config = new OAuthConfig() {
            public String redirectUri() {
                return "http://localhost/cb";
            }

            public Optional<String> frontendRedirect() {
                return Optional.empty();
            }

            public java.time.Duration stateTtl() {
                return java.time.Duration.ofMinutes(10);
            }

            public java.time.Duration refreshSkew() {
                return java.time.Duration.ofMinutes(1);
            }

            public Optional<String> publicUrl() {
                return Optional.empty();
            }

            public String clientName() {
                return "x";
            }

            public Optional<String> logoUri() {
                return Optional.empty();
            }

            public java.util.List<String> registrationAllowedHosts() {
                return java.util.List.of("*");
            }

            public Encryption encryption() {
                return encryption;
            }

            public Housekeeping housekeeping() {
                return null;
            }
        };
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> new TokenCipher(config))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("agent-hub.oauth.encryption.keys.k2")
                .hasMessageContaining("AGENT_HUB_OAUTH_ENCRYPTION_KEYS_K2");
    }

    String export(Api api) {
        return api.request().get("/api/mcp/configurations/effective/export?includeSecrets=true").then().statusCode(200)
                .extract().path("mcpServers.find { it.value.url == '" + fake.mcpUrl + "' }.value.headers.Authorization");
    }
}
