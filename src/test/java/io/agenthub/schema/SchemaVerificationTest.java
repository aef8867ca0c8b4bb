package io.agenthub.schema;

import static io.agenthub.testing.Database.column;
import static io.agenthub.testing.Database.count;
import static org.assertj.core.api.Assertions.assertThat;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;

import io.agenthub.testing.Database;
import io.agenthub.testing.Database.Caller;
import io.quarkus.test.junit.QuarkusTest;

/** The consolidated schema's own verification queries, run as written, plus the security invariants. */
@QuarkusTest
class SchemaVerificationTest {

    static final List<String> TABLES = List.of("admin_audit_log", "agent_executions", "agent_health", "agent_metrics",
            "agents", "audit_logs", "chat_messages", "chat_sessions", "circuit_breaker_state", "mcp_configurations",
            "mcp_oauth_tokens", "models", "oauth_states", "organizations", "platform_admins", "system_prompts",
            "user_sessions", "users");
    /** Tables the hub added since, each under row-level security like the seed's. */
    static final List<String> HUB_TABLES = List.of("api_keys");
    static final List<String> ALL_TABLES = java.util.stream.Stream.concat(TABLES.stream(), HUB_TABLES.stream()).sorted().toList();

    @Test
    void tablesAreTheEighteenDistinctOnesOfTheSeed() throws SQLException {
        try (Connection c = Database.owner("agent_hub")) {
            // Flyway's history table lives in the same schema; it is not part of the data model
            List<Object> tables = column(c, """
                    SELECT table_name
                    FROM information_schema.tables
                    WHERE table_schema = 'public'
                    AND table_type = 'BASE TABLE'
                    ORDER BY table_name""");
            tables.remove("flyway_schema_history");
            assertThat(tables).containsAll(TABLES).containsExactlyElementsOf(ALL_TABLES);
            assertThat(count(c, """
                    SELECT COUNT(*)
                    FROM information_schema.tables
                    WHERE table_schema = 'public'
                    AND table_type = 'BASE TABLE'""")).isEqualTo(ALL_TABLES.size() + 1);
        }
    }

    @Test
    void seededAgentsAndModels() throws SQLException {
        Database.probe(Caller.system(), c -> {
            assertThat(rows(c, "SELECT name, type, enabled FROM agents ORDER BY name"))
                    .containsExactly("ccrouter|routing|t", "droid|multi-model|t");
            assertThat(rows(c, """
                    SELECT a.name as agent, m.name as model, m.enabled
                    FROM models m
                    JOIN agents a ON m.agent_id = a.id
                    ORDER BY a.name, m.name"""))
                    .containsExactly("ccrouter|gemini-1.5-flash|t", "ccrouter|gemini-1.5-pro|t",
                            "droid|claude-3-opus|t", "droid|gpt-4|t");
            assertThat(rows(c, """
                    SELECT name FROM agents
                    WHERE (name = 'ccrouter' AND config = '{"provider": "vertex-ai", "location": "us-central1"}'::jsonb)
                       OR (name = 'droid' AND config = '{"provider": "openrouter"}'::jsonb)
                    ORDER BY name""")).containsExactly("ccrouter", "droid");
            assertThat(rows(c, "SELECT m.name, m.provider_model_id FROM models m WHERE m.name IN ('claude-3-opus','gpt-4') ORDER BY 1"))
                    .containsExactly("claude-3-opus|anthropic/claude-3-opus", "gpt-4|openai/gpt-4");
            assertThat(count(c, "SELECT count(*) FROM agent_health")).isEqualTo(2);
            assertThat(count(c, "SELECT count(*) FROM circuit_breaker_state WHERE state = 'closed'")).isEqualTo(2);
            return null;
        });
    }

    @Test
    void viewsAreTheFourOfTheSeedAndInvokeRowLevelSecurity() throws SQLException {
        try (Connection c = Database.owner("agent_hub")) {
            assertThat(column(c, """
                    SELECT table_name
                    FROM information_schema.views
                    WHERE table_schema = 'public'
                    ORDER BY table_name"""))
                    .containsExactly("active_user_sessions", "effective_mcp_configurations", "v_agent_status",
                            "v_recent_sessions");
            assertThat(count(c, """
                    SELECT count(*) FROM pg_class
                    WHERE relkind = 'v' AND relnamespace = 'public'::regnamespace
                      AND 'security_invoker=true' = ANY (reloptions)""")).isEqualTo(4);
        }
    }

    @Test
    void sixtyPlusIndexes() throws SQLException {
        try (Connection c = Database.owner("agent_hub")) {
            List<Object> indexes = column(c, """
                    SELECT indexname
                    FROM pg_indexes
                    WHERE schemaname = 'public'
                    ORDER BY tablename, indexname""");
            assertThat(indexes).hasSizeGreaterThanOrEqualTo(60);
        }
    }

    @Test
    void rowLevelSecurityIsEnabledAndForcedEverywhereWithThirtyPlusPolicies() throws SQLException {
        try (Connection c = Database.owner("agent_hub")) {
            assertThat(column(c, """
                    SELECT relname FROM pg_class
                    WHERE relnamespace = 'public'::regnamespace AND relkind = 'r'
                      AND relrowsecurity AND relforcerowsecurity AND relname <> 'flyway_schema_history'
                    ORDER BY relname""")).containsExactlyElementsOf(ALL_TABLES);
            assertThat(count(c, "SELECT count(*) FROM pg_policies WHERE schemaname = 'public'")).isGreaterThanOrEqualTo(30);
            // every table has at least one policy, otherwise forced RLS would silently hide it all
            assertThat(count(c, "SELECT count(DISTINCT tablename) FROM pg_policies WHERE schemaname = 'public'"))
                    .isEqualTo(ALL_TABLES.size());
        }
    }

    @Test
    void theEightFunctionsOfTheSeedExist() throws SQLException {
        try (Connection c = Database.owner("agent_hub")) {
            assertThat(column(c, """
                    SELECT DISTINCT proname::text FROM pg_proc
                    WHERE pronamespace = 'public'::regnamespace AND proname = ANY (?)
                    ORDER BY 1""", (Object) new String[] {"update_updated_at_column", "encrypt_token", "decrypt_token",
                    "log_audit_event", "cleanup_expired_sessions", "get_effective_system_prompts",
                    "cleanup_expired_oauth_states", "cleanup_expired_oauth_tokens"}))
                    .hasSize(8);
        }
    }

    @Test
    void theApplicationRoleOwnsNothingAndCannotBypassRowLevelSecurity() throws SQLException {
        try (Connection c = Database.owner("agent_hub")) {
            assertThat(column(c, "SELECT rolbypassrls OR rolsuper FROM pg_roles WHERE rolname = 'agent_hub_app'"))
                    .containsExactly(false);
            assertThat(count(c, """
                    SELECT count(*) FROM pg_class
                    WHERE relnamespace = 'public'::regnamespace AND relowner = 'agent_hub_app'::regrole""")).isZero();
            assertThat(count(c, """
                    SELECT count(*) FROM information_schema.role_table_grants
                    WHERE grantee = 'agent_hub_app' AND table_name IN ('audit_logs', 'admin_audit_log')
                      AND privilege_type IN ('UPDATE', 'DELETE', 'TRUNCATE')""")).isZero();
        }
    }

    static List<String> rows(Connection c, String sql) throws SQLException {
        List<String> rows = new ArrayList<>();
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            int columns = rs.getMetaData().getColumnCount();
            while (rs.next()) {
                StringBuilder row = new StringBuilder();
                for (int i = 1; i <= columns; i++) {
                    row.append(i > 1 ? "|" : "").append(rs.getObject(i) instanceof Boolean b ? (b ? "t" : "f") : rs.getString(i));
                }
                rows.add(row.toString());
            }
        }
        return rows;
    }
}
