package io.agenthub.oauth;

import static io.agenthub.testing.Database.update;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import io.agenthub.testing.Api;
import io.agenthub.testing.Database;
import io.agenthub.testing.Database.Caller;
import io.agenthub.testing.FakeOAuthServers;
import io.agenthub.testing.InjectFake;
import io.agenthub.testing.Tokens;
import io.quarkus.test.common.TestResourceScope;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;

/**
 * The service seals and opens pgcrypto's own ciphertexts, so that PostgreSQL never sees a key or a
 * plaintext: proven both ways against the schema's encrypt_token/decrypt_token, and by reading
 * PostgreSQL's statement log with every statement and parameter logged.
 */
@QuarkusTest
@WithTestResource(value = FakeOAuthServers.class, scope = TestResourceScope.GLOBAL)
class TokenCipherTest {

    private static final String KEY = "test-only-token-key-not-secret";

    @InjectFake
    FakeOAuthServers fake;

    private final PgpSymmetric pgp = new PgpSymmetric(new SecureRandom());

    @Test
    void ciphertextsAreWhatEncryptTokenAndDecryptTokenReadAndWrite() throws Exception {
        List<String> texts = List.of("", "a", "fake-access-token", "unicodé ✓ 東京", "x".repeat(20_000));
        try (Connection c = Database.app(); PreparedStatement decrypt = c.prepareStatement("SELECT decrypt_token(?, ?)");
             PreparedStatement encrypt = c.prepareStatement("SELECT encrypt_token(?, ?)")) {
            for (String text : texts) {
                decrypt.setBytes(1, pgp.encrypt(text, KEY));
                decrypt.setString(2, KEY);
                try (ResultSet rs = decrypt.executeQuery()) {
                    rs.next();
                    assertThat(rs.getString(1)).as("decrypt_token of the service's ciphertext").isEqualTo(text);
                }
                encrypt.setString(1, text);
                encrypt.setString(2, KEY);
                try (ResultSet rs = encrypt.executeQuery()) {
                    rs.next();
                    assertThat(pgp.decrypt(rs.getBytes(1), KEY)).as("the service opening encrypt_token's").isEqualTo(text);
                }
            }
        }
        byte[] sealed = pgp.encrypt("secret", KEY);
        assertThatThrownBy(() -> pgp.decrypt(sealed, "another-key-of-16-chars")).isInstanceOf(RuntimeException.class);
        sealed[sealed.length - 5] ^= 1;
        assertThatThrownBy(() -> pgp.decrypt(sealed, KEY)).isInstanceOf(RuntimeException.class);
        byte[] cut = java.util.Arrays.copyOf(pgp.encrypt("secret", KEY), 14);
        assertThatThrownBy(() -> pgp.decrypt(cut, KEY)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void postgresqlsStatementLogHoldsNoKeyAndNoPlaintext() throws Exception {
        String clientSecret = "pre-registered-secret-" + Tokens.unique("s");
        String access;
        long logStart;
        try (Connection su = Database.superuser("agent_hub"); Statement s = su.createStatement()) {
            s.execute("ALTER SYSTEM SET log_statement = 'all'");
            s.execute("ALTER SYSTEM SET log_min_duration_statement = 0");
            s.execute("ALTER SYSTEM SET log_parameter_max_length = -1");
            s.execute("SELECT pg_reload_conf()");
            logStart = logLength(s);
            try {
                Api user = Api.signIn(Tokens.unique("user"), Tokens.unique("log-org"), "owner");
                String configId = OAuthFlowTest.connect(user, fake);
                Database.as(Caller.system(), c -> update(c, "UPDATE mcp_oauth_tokens SET expires_at = now() "
                        + "WHERE mcp_configuration_id = ?::uuid", configId));
                Map<String, Object> exported = OAuthFlowTest.exported(user).values().stream()
                        .filter(server -> fake.mcpUrl.equals(server.get("url"))).findFirst().orElseThrow();
                @SuppressWarnings("unchecked")
                Map<String, String> headers = (Map<String, String>) exported.get("headers");
                access = headers.get("Authorization").substring("Bearer ".length());
                user.request().body(Map.of("oauth", Map.of("clientId", "logged-client", "clientSecret", clientSecret)))
                        .patch("/api/mcp/configurations/" + configId).then().statusCode(200);
                OAuthFlowTest.authorize(user, configId);
            } finally {
                s.execute("ALTER SYSTEM RESET log_statement");
                s.execute("ALTER SYSTEM RESET log_min_duration_statement");
                s.execute("ALTER SYSTEM RESET log_parameter_max_length");
                s.execute("SELECT pg_reload_conf()");
            }
            String log = logSince(s, logStart);
            assertThat(log).as("the statement log of the run").contains("mcp_oauth_tokens");
            assertThat(log).doesNotContain(KEY).doesNotContain(access).doesNotContain(clientSecret);
        }
    }

    private static long logLength(Statement s) throws Exception {
        try (ResultSet rs = s.executeQuery("SELECT size FROM pg_stat_file('server.log')")) {
            rs.next();
            return rs.getLong(1);
        }
    }

    private static String logSince(Statement s, long offset) throws Exception {
        Thread.sleep(300);
        try (ResultSet rs = s.executeQuery("SELECT pg_read_file('server.log', " + offset + ", 200000000)")) {
            rs.next();
            return rs.getString(1);
        }
    }
}
