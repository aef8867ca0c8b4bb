package io.agenthub.schema;

import static io.agenthub.testing.Database.count;
import static io.agenthub.testing.Database.single;
import static io.agenthub.testing.Database.update;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import io.agenthub.testing.Database;
import io.agenthub.testing.Database.Caller;
import io.quarkus.test.junit.QuarkusTest;

/**
 * Tenant isolation enforced by PostgreSQL itself: every statement runs as the application role
 * with a bound caller, exactly as the service's transactions do, and no Java code filters rows.
 */
@QuarkusTest
class RowLevelSecurityTest {

    /** Tenant-scoped tables and the column naming the organization a row belongs to. */
    static final Map<String, String> TENANT_COLUMN = new LinkedHashMap<>();
    static {
        TENANT_COLUMN.put("organizations", "id");
        TENANT_COLUMN.put("users", "organization_id");
        TENANT_COLUMN.put("user_sessions", "organization_id");
        TENANT_COLUMN.put("mcp_configurations", "organization_id");
        TENANT_COLUMN.put("system_prompts", "organization_id");
        TENANT_COLUMN.put("audit_logs", "organization_id");
        TENANT_COLUMN.put("admin_audit_log", "target_organization_id");
        TENANT_COLUMN.put("oauth_states", "organization_id");
        TENANT_COLUMN.put("mcp_oauth_tokens", "organization_id");
        TENANT_COLUMN.put("chat_sessions", "organization_id");
        TENANT_COLUMN.put("chat_messages", "organization_id");
        TENANT_COLUMN.put("agent_executions", "organization_id");
        TENANT_COLUMN.put("agent_metrics", "organization_id");
    }

    /** Tables whose rows belong to one user, private even inside the organization. */
    static final List<String> PRIVATE = List.of("user_sessions", "oauth_states", "mcp_oauth_tokens", "chat_sessions",
            "chat_messages", "agent_executions", "mcp_configurations", "system_prompts");

    /** A row of each table for organization :org and user :user (and :config, an MCP configuration of :org). */
    static final Map<String, String> INSERT = Map.ofEntries(
            Map.entry("organizations", "INSERT INTO organizations (id, name, slug) VALUES (:org, 'x', 'x-' || substr(md5(random()::text), 1, 8))"),
            Map.entry("users", "INSERT INTO users (organization_id, oidc_subject) VALUES (:org, 'sub-' || gen_random_uuid())"),
            Map.entry("user_sessions", "INSERT INTO user_sessions (user_id, organization_id, session_key, expires_at) VALUES (:user, :org, gen_random_uuid()::text, now() + interval '1 hour')"),
            Map.entry("mcp_configurations", "INSERT INTO mcp_configurations (organization_id, user_id, name, transport, url) VALUES (:org, :user, 'cfg-' || substr(md5(random()::text), 1, 8), 'http', 'https://mcp.example/x')"),
            Map.entry("system_prompts", "INSERT INTO system_prompts (scope, organization_id, user_id, name, content) VALUES ('user', :org, :user, 'p-' || gen_random_uuid(), 'be brief')"),
            Map.entry("audit_logs", "INSERT INTO audit_logs (organization_id, actor_user_id, action, resource_type) VALUES (:org, :user, 'test.insert', 'test')"),
            Map.entry("admin_audit_log", "INSERT INTO admin_audit_log (admin_user_id, target_organization_id, action, target_type) VALUES (:user, :org, 'test.insert', 'test')"),
            Map.entry("oauth_states", "INSERT INTO oauth_states (state, code_verifier, redirect_uri, user_id, organization_id, mcp_configuration_id, expires_at) VALUES (repeat(md5(random()::text), 2), repeat('v', 43), 'https://hub.example/cb', :user, :org, :config, now() + interval '10 minutes')"),
            Map.entry("mcp_oauth_tokens", "INSERT INTO mcp_oauth_tokens (organization_id, user_id, mcp_configuration_id, access_token_encrypted, key_id) VALUES (:org, :user, :config, '\\x00'::bytea, 'k1')"),
            Map.entry("chat_sessions", "INSERT INTO chat_sessions (organization_id, user_id, agent_id, model_id) SELECT :org, :user, a.id, m.id FROM agents a JOIN models m ON m.agent_id = a.id WHERE m.name = 'gpt-4'"),
            Map.entry("chat_messages", "INSERT INTO chat_messages (session_id, organization_id, user_id, role, content) VALUES ((SELECT s.id FROM chat_sessions s WHERE s.user_id = :user LIMIT 1), :org, :user, 'user', 'hi')"),
            Map.entry("agent_executions", "INSERT INTO agent_executions (organization_id, user_id, agent_id, model_id, status, completed_at, latency_ms) SELECT :org, :user, m.agent_id, m.id, 'success', now(), 10 FROM models m WHERE m.name = 'gpt-4'"),
            Map.entry("agent_metrics", "INSERT INTO agent_metrics (metric_date, organization_id, agent_id, model_id) SELECT current_date - (random() * 1000)::int, :org, m.agent_id, m.id FROM models m WHERE m.name = 'gpt-4'"));

    record Tenant(UUID org, UUID user1, UUID user2, UUID orgConfig) {
    }

    static Tenant a;
    static Tenant b;

    @BeforeEach
    void fixtures() throws SQLException {
        if (a == null) {
            a = tenant();
            b = tenant();
        }
    }

    /** One organization with two members and a row of every tenant-scoped table (user1 owns the private ones). */
    static Tenant tenant() throws SQLException {
        UUID org = UUID.randomUUID();
        UUID user1 = UUID.randomUUID();
        UUID user2 = UUID.randomUUID();
        UUID config = UUID.randomUUID();
        Database.as(Caller.system(), c -> {
            exec(c, INSERT.get("organizations"), org, null, null);
            for (UUID user : List.of(user1, user2)) {
                update(c, "INSERT INTO users (id, organization_id, oidc_subject, email) VALUES (?, ?, ?, ?)", user, org,
                        "sub-" + user, user + "@example.com");
            }
            update(c, "INSERT INTO mcp_configurations (id, organization_id, name, transport, url) VALUES (?, ?, 'shared', 'http', 'https://mcp.example/shared')",
                    config, org);
            update(c, "INSERT INTO system_prompts (scope, organization_id, name, content) VALUES ('organization', ?, 'house-style', 'be kind')", org);
            for (String table : TENANT_COLUMN.keySet()) {
                if (!table.equals("organizations") && !table.equals("users")) {
                    exec(c, INSERT.get(table), org, user1, config);
                }
            }
            return null;
        });
        return new Tenant(org, user1, user2, config);
    }

    @Test
    void anotherOrganizationsRowsCannotBeReadUpdatedDeletedOrInserted() throws SQLException {
        Caller a1 = Caller.user(a.user1(), a.org());
        for (var table : TENANT_COLUMN.entrySet()) {
            String t = table.getKey();
            String col = table.getValue();
            Database.probe(a1, c -> {
                assertThat(count(c, "SELECT count(*) FROM " + t + " WHERE " + col + " = ?", b.org())).as(t + " read").isZero();
                assertThat(updatedOrDenied(c, "UPDATE " + t + " SET " + col + " = " + col + " WHERE " + col + " = ?", b.org()))
                        .as(t + " update").isZero();
                assertThat(updatedOrDenied(c, "DELETE FROM " + t + " WHERE " + col + " = ?", b.org())).as(t + " delete").isZero();
                return null;
            });
            // writing a row into organization B, even one naming the caller, is refused by WITH CHECK
            assertThatThrownBy(() -> Database.probe(a1, c -> exec(c, INSERT.get(t), b.org(), a.user1(), b.orgConfig())))
                    .as(t + " insert").isInstanceOf(SQLException.class)
                    .satisfies(e -> assertThat(((SQLException) e).getSQLState()).isIn("42501", "23503"));
        }
    }

    @Test
    void ownOrganizationsSharedRowsAreVisible() throws SQLException {
        Database.probe(Caller.user(a.user2(), a.org()), c -> {
            assertThat(count(c, "SELECT count(*) FROM organizations")).isEqualTo(1);
            assertThat(count(c, "SELECT count(*) FROM users")).isEqualTo(2);
            assertThat(count(c, "SELECT count(*) FROM mcp_configurations WHERE user_id IS NULL")).isEqualTo(1);
            assertThat(count(c, "SELECT count(*) FROM system_prompts WHERE scope = 'organization' AND organization_id = ?", a.org())).isEqualTo(1);
            assertThat(count(c, "SELECT count(*) FROM audit_logs")).isEqualTo(1);
            assertThat(count(c, "SELECT count(*) FROM agent_metrics")).isEqualTo(1);
            assertThat(count(c, "SELECT count(*) FROM agents")).isEqualTo(2);
            return null;
        });
    }

    @Test
    void anotherUsersPrivateRowsAreInvisibleInsideTheSameOrganization() throws SQLException {
        Caller a2 = Caller.user(a.user2(), a.org());
        for (String t : PRIVATE) {
            Database.probe(a2, c -> {
                assertThat(count(c, "SELECT count(*) FROM " + t + " WHERE user_id = ?", a.user1())).as(t + " read").isZero();
                assertThat(updatedOrDenied(c, "UPDATE " + t + " SET user_id = user_id WHERE user_id = ?", a.user1())).as(t + " update").isZero();
                assertThat(updatedOrDenied(c, "DELETE FROM " + t + " WHERE user_id = ?", a.user1())).as(t + " delete").isZero();
                return null;
            });
            Database.probe(Caller.user(a.user1(), a.org()), c -> {
                assertThat(count(c, "SELECT count(*) FROM " + t + " WHERE user_id = ?", a.user1())).as(t + " own").isPositive();
                return null;
            });
        }
    }

    @Test
    void withoutACallerNothingIsVisible() throws SQLException {
        Database.probe(Caller.nobody(), c -> {
            for (String t : SchemaVerificationTest.TABLES) {
                assertThat(count(c, "SELECT count(*) FROM " + t)).as(t).isZero();
            }
            for (String v : List.of("active_user_sessions", "effective_mcp_configurations", "v_recent_sessions", "v_agent_status")) {
                assertThat(count(c, "SELECT count(*) FROM " + v)).as(v).isZero();
            }
            return null;
        });
    }

    @Test
    void viewsApplyTheCallersPolicies() throws SQLException {
        Database.probe(Caller.user(a.user2(), a.org()), c -> {
            assertThat(count(c, "SELECT count(*) FROM v_recent_sessions")).isZero();
            assertThat(count(c, "SELECT count(*) FROM effective_mcp_configurations")).isEqualTo(1);
            return null;
        });
        Database.probe(Caller.user(a.user1(), a.org()), c -> {
            assertThat(count(c, "SELECT count(*) FROM v_recent_sessions")).isEqualTo(1);
            assertThat(count(c, "SELECT count(*) FROM effective_mcp_configurations")).isEqualTo(2);
            return null;
        });
    }

    @Test
    void catalogueIsReadOnlyForUsersAndWritableForPlatformAdmins() throws SQLException {
        Database.probe(Caller.user(a.user1(), a.org()), c -> {
            for (String t : List.of("agents", "models", "agent_health", "circuit_breaker_state")) {
                assertThat(update(c, "UPDATE " + t + " SET updated_at = updated_at")).as(t).isZero();
            }
            assertThat(count(c, "SELECT count(*) FROM platform_admins")).isZero();
            return null;
        });
        Database.probe(Caller.platformAdmin(a.user1(), a.org()), c -> {
            assertThat(update(c, "UPDATE agents SET enabled = enabled")).isEqualTo(2);
            assertThat(count(c, "SELECT count(*) FROM organizations WHERE id IN (?, ?)", a.org(), b.org())).isEqualTo(2);
            // platform admins administer organizations, they do not read people's conversations or tokens
            assertThat(count(c, "SELECT count(*) FROM chat_messages WHERE organization_id = ?", b.org())).isZero();
            assertThat(count(c, "SELECT count(*) FROM mcp_oauth_tokens WHERE organization_id = ?", b.org())).isZero();
            return null;
        });
    }

    @Test
    void bindingIsTransactionLocal() throws SQLException {
        try (Connection c = Database.app()) {
            c.setAutoCommit(false);
            single(c, "SELECT set_config('app.current_org_id', ?, true)", a.org().toString());
            assertThat(count(c, "SELECT count(*) FROM organizations")).isEqualTo(1);
            c.commit();
            assertThat(single(c, "SELECT coalesce(current_setting('app.current_org_id', true), '')")).isEqualTo("");
            assertThat(count(c, "SELECT count(*) FROM organizations")).isZero();
        }
    }

    private static int exec(Connection c, String template, UUID org, UUID user, UUID config) throws SQLException {
        return update(c, template.replace(":org", literal(org)).replace(":user", literal(user)).replace(":config", literal(config)));
    }

    private static String literal(UUID id) {
        return id == null ? "NULL::uuid" : "'" + id + "'::uuid";
    }

    /** Rows touched, or 0 when the role lacks the privilege altogether (the append-only audit tables). */
    private static int updatedOrDenied(Connection c, String sql, Object param) throws SQLException {
        try {
            update(c, "SAVEPOINT probe");
            int n = update(c, sql, param);
            update(c, "RELEASE SAVEPOINT probe");
            return n;
        } catch (SQLException e) {
            if (!"42501".equals(e.getSQLState())) {
                throw e;
            }
            update(c, "ROLLBACK TO SAVEPOINT probe");
            return 0;
        }
    }
}
