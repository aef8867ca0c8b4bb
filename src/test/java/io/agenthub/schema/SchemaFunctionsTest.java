package io.agenthub.schema;

import static io.agenthub.testing.Database.count;
import static io.agenthub.testing.Database.single;
import static io.agenthub.testing.Database.update;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.UUID;

import org.junit.jupiter.api.Test;

import io.agenthub.testing.Database;
import io.agenthub.testing.Database.Caller;
import io.quarkus.test.junit.QuarkusTest;

/** The seed's functions and triggers, exercised as the application role. */
@QuarkusTest
class SchemaFunctionsTest {

    private static final String KEY = "a-test-key-of-sufficient-length";

    @Test
    void tokensRoundTripAndTheCiphertextHidesThem() throws SQLException {
        Database.probe(Caller.system(), c -> {
            String token = "ya29.secret-access-token-" + UUID.randomUUID();
            byte[] cipher = (byte[]) single(c, "SELECT encrypt_token(?, ?)", token, KEY);
            assertThat(new String(cipher, StandardCharsets.ISO_8859_1)).doesNotContain(token).doesNotContain("secret");
            assertThat(single(c, "SELECT decrypt_token(?, ?)", cipher, KEY)).isEqualTo(token);
            // same plaintext twice gives different ciphertexts (random session key)
            assertThat((byte[]) single(c, "SELECT encrypt_token(?, ?)", token, KEY)).isNotEqualTo(cipher);
            return null;
        });
        assertThatThrownBy(() -> Database.probe(Caller.system(), c -> single(c, "SELECT decrypt_token(encrypt_token('t', ?), ?)",
                KEY, "another-key-of-enough-length"))).isInstanceOf(SQLException.class).hasMessageContaining("Wrong key");
        assertThatThrownBy(() -> Database.probe(Caller.system(), c -> single(c, "SELECT encrypt_token('t', 'short')")))
                .isInstanceOf(SQLException.class).hasMessageContaining("at least 16 characters");
    }

    @Test
    void theCallerLookupSeesEveryTenantButLeavesNoSystemContextBehind() throws SQLException {
        UUID[] orgs = {UUID.randomUUID(), UUID.randomUUID()};
        UUID[] users = {UUID.randomUUID(), UUID.randomUUID()};
        String subject = "lookup-" + users[1];
        Database.as(Caller.system(), c -> {
            for (int i = 0; i < 2; i++) {
                update(c, "INSERT INTO organizations (id, name, slug) VALUES (?, 'Lookup', ?)", orgs[i], "lookup-" + orgs[i]);
                update(c, "INSERT INTO users (id, organization_id, oidc_subject, role) VALUES (?, ?, ?, 'member')", users[i], orgs[i],
                        "lookup-" + users[i]);
            }
            return null;
        });
        String lookup = "SELECT organization_id FROM app_find_caller(?, 'no-session', now(), NULL, NULL, NULL)";
        // inside a transaction bound to a user of the first organisation: finds the other tenant's user, then RLS holds again
        Database.probe(Caller.user(users[0], orgs[0]), c -> {
            assertThat(single(c, lookup, subject)).isEqualTo(orgs[1]);
            assertThat(count(c, "SELECT count(*) FROM users WHERE id = ?", users[1])).isZero();
            assertThat(single(c, "SELECT current_setting('app.system_context', true)")).isEqualTo("");
            return null;
        });
        // on its own, as a request's first statement runs it: no context survives the statement
        try (Connection c = Database.app(); Statement s = c.createStatement()) {
            c.setAutoCommit(true);
            var found = s.executeQuery("SELECT organization_id, role, session_id FROM app_find_caller('" + subject
                    + "', 'no-session', now(), NULL, NULL, NULL)");
            assertThat(found.next()).isTrue();
            assertThat(found.getObject(1)).isEqualTo(orgs[1]);
            assertThat(found.getString(2)).isEqualTo("member");
            assertThat(found.getObject(3)).isNull();
            var visible = s.executeQuery("SELECT count(*) FROM users WHERE id = '" + users[1] + "'");
            visible.next();
            assertThat(visible.getLong(1)).isZero();
        }
    }

    @Test
    void auditRowsCannotBeChangedByAnyone() throws SQLException {
        UUID org = UUID.randomUUID();
        UUID id = Database.as(Caller.system(), c -> {
            update(c, "INSERT INTO organizations (id, name, slug) VALUES (?, 'Audited', ?)", org, "audited-" + org.toString().substring(0, 8));
            return (UUID) single(c, "SELECT log_audit_event('organization.create', 'organization', ?, '{}'::jsonb, 'req-1', '10.0.0.1'::inet, 'junit', ?)",
                    org.toString(), org);
        });
        // the application role has no UPDATE/DELETE grant; the owner is stopped by the trigger
        assertThatThrownBy(() -> Database.probe(Caller.system(), c -> update(c, "UPDATE audit_logs SET action = 'x.y' WHERE id = ?", id)))
                .isInstanceOf(SQLException.class);
        for (String sql : new String[] {"UPDATE audit_logs SET action = 'x.y' WHERE id = '" + id + "'",
                "DELETE FROM audit_logs WHERE id = '" + id + "'", "TRUNCATE audit_logs",
                "UPDATE admin_audit_log SET action = 'x.y'", "DELETE FROM admin_audit_log", "TRUNCATE admin_audit_log"}) {
            for (boolean superuser : new boolean[] {false, true}) {
                try (Connection role = superuser ? Database.superuser("agent_hub") : Database.owner("agent_hub");
                     Statement s = role.createStatement()) {
                    s.execute("SELECT set_config('app.system_context', 'on', false)");
                    assertThatThrownBy(() -> s.execute(sql)).as(sql).hasMessageContaining("audit records are immutable");
                }
            }
        }
        Database.probe(Caller.system(), c -> {
            assertThat(single(c, "SELECT action FROM audit_logs WHERE id = ?", id)).isEqualTo("organization.create");
            assertThat(single(c, "SELECT request_id || ' ' || host(ip_address) || ' ' || user_agent FROM audit_logs WHERE id = ?", id))
                    .isEqualTo("req-1 10.0.0.1 junit");
            return null;
        });
    }

    @Test
    void eachCleanupRemovesExactlyTheExpiredRows() throws SQLException {
        UUID org = UUID.randomUUID();
        UUID user = UUID.randomUUID();
        UUID config = UUID.randomUUID();
        UUID[] users = {UUID.randomUUID(), UUID.randomUUID(), UUID.randomUUID(), UUID.randomUUID()};
        Database.as(Caller.system(), c -> {
            update(c, "INSERT INTO organizations (id, name, slug) VALUES (?, 'Cleanup', ?)", org, "cleanup-" + org.toString().substring(0, 8));
            update(c, "INSERT INTO users (id, organization_id, oidc_subject) VALUES (?, ?, ?)", user, org, "sub-" + user);
            for (UUID u : users) {
                update(c, "INSERT INTO users (id, organization_id, oidc_subject) VALUES (?, ?, ?)", u, org, "sub-" + u);
            }
            update(c, "INSERT INTO mcp_configurations (id, organization_id, name, transport, url, auth_type) VALUES (?, ?, 'oauth', 'http', 'https://mcp.example', 'oauth2')",
                    config, org);
            // sessions: expired, live, revoked but live
            update(c, "INSERT INTO user_sessions (user_id, organization_id, session_key, created_at, expires_at) VALUES (?, ?, 'old', now() - interval '2 hours', now() - interval '1 second')", user, org);
            update(c, "INSERT INTO user_sessions (user_id, organization_id, session_key, expires_at) VALUES (?, ?, 'live', now() + interval '1 hour')", user, org);
            // states: expired, live, used but live
            update(c, "INSERT INTO oauth_states (state, code_verifier, redirect_uri, user_id, organization_id, mcp_configuration_id, created_at, expires_at) VALUES (repeat('a', 43), repeat('v', 43), 'https://h/cb', ?, ?, ?, now() - interval '1 hour', now() - interval '1 second')", user, org, config);
            update(c, "INSERT INTO oauth_states (state, code_verifier, redirect_uri, user_id, organization_id, mcp_configuration_id, expires_at) VALUES (repeat('b', 43), repeat('v', 43), 'https://h/cb', ?, ?, ?, now() + interval '10 minutes')", user, org, config);
            update(c, "INSERT INTO oauth_states (state, code_verifier, redirect_uri, user_id, organization_id, mcp_configuration_id, expires_at, used_at) VALUES (repeat('c', 43), repeat('v', 43), 'https://h/cb', ?, ?, ?, now() + interval '10 minutes', now())", user, org, config);
            // tokens: expired without refresh (dead), expired with refresh (renewable), live, no expiry
            String token = "INSERT INTO mcp_oauth_tokens (organization_id, user_id, mcp_configuration_id, access_token_encrypted, refresh_token_encrypted, expires_at, key_id) VALUES (?, ?, ?, '\\x01', %s, %s, 'k1')";
            update(c, token.formatted("NULL", "now() - interval '1 second'"), org, users[0], config);
            update(c, token.formatted("'\\x02'", "now() - interval '1 second'"), org, users[1], config);
            update(c, token.formatted("NULL", "now() + interval '1 hour'"), org, users[2], config);
            update(c, token.formatted("NULL", "NULL"), org, users[3], config);
            return null;
        });
        Database.as(Caller.system(), c -> {
            assertThat(count(c, "SELECT cleanup_expired_sessions()")).isGreaterThanOrEqualTo(1);
            assertThat(count(c, "SELECT cleanup_expired_oauth_states()")).isGreaterThanOrEqualTo(1);
            assertThat(count(c, "SELECT cleanup_expired_oauth_tokens()")).isGreaterThanOrEqualTo(1);
            assertThat(Database.column(c, "SELECT session_key FROM user_sessions WHERE user_id = ? ORDER BY 1", user)).containsExactly("live");
            assertThat(Database.column(c, "SELECT left(state, 1) FROM oauth_states WHERE user_id = ? ORDER BY 1", user)).containsExactly("b", "c");
            assertThat(Database.column(c, "SELECT user_id FROM mcp_oauth_tokens WHERE organization_id = ?", org))
                    .containsExactlyInAnyOrder(users[1], users[2], users[3]);
            return null;
        });
    }

    @Test
    void updatedAtMovesOnUpdate() throws SQLException {
        UUID org = UUID.randomUUID();
        Database.as(Caller.system(), c -> update(c, "INSERT INTO organizations (id, name, slug, created_at, updated_at) VALUES (?, 'Before', ?, now() - interval '1 day', now() - interval '1 day')",
                org, "touch-" + org.toString().substring(0, 8)));
        Database.as(Caller.system(), c -> update(c, "UPDATE organizations SET name = 'After' WHERE id = ?", org));
        Database.probe(Caller.system(), c -> {
            assertThat(count(c, "SELECT count(*) FROM organizations WHERE id = ? AND updated_at > now() - interval '1 minute' AND updated_at > created_at + interval '23 hours'", org))
                    .isEqualTo(1);
            return null;
        });
    }

    @Test
    void effectivePromptsComeGlobalThenOrganizationThenUserByPriority() throws SQLException {
        UUID org = UUID.randomUUID();
        UUID user = UUID.randomUUID();
        Database.as(Caller.system(), c -> {
            update(c, "INSERT INTO organizations (id, name, slug) VALUES (?, 'Prompts', ?)", org, "prompts-" + org.toString().substring(0, 8));
            update(c, "INSERT INTO users (id, organization_id, oidc_subject) VALUES (?, ?, ?)", user, org, "sub-" + user);
            update(c, "INSERT INTO system_prompts (scope, organization_id, user_id, name, content, priority) VALUES ('user', ?, ?, 'mine', 'u', 1)", org, user);
            update(c, "INSERT INTO system_prompts (scope, organization_id, name, content, priority) VALUES ('organization', ?, 'second', 'o2', 20)", org);
            update(c, "INSERT INTO system_prompts (scope, organization_id, name, content, priority) VALUES ('organization', ?, 'first', 'o1', 10)", org);
            update(c, "INSERT INTO system_prompts (scope, organization_id, name, content, enabled) VALUES ('organization', ?, 'off', 'x', false)", org);
            return null;
        });
        Database.probe(Caller.user(user, org), c -> {
            var names = Database.column(c, "SELECT scope || ':' || name FROM get_effective_system_prompts()");
            assertThat(names.subList(names.size() - 3, names.size())).containsExactly("organization:first", "organization:second", "user:mine");
            assertThat(names).allMatch(n -> n.toString().startsWith("global:") || names.indexOf(n) >= names.size() - 3);
            return null;
        });
    }
}
