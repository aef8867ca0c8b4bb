package io.agenthub.schema;

import static io.agenthub.testing.Database.column;
import static io.agenthub.testing.Database.count;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;

import org.junit.jupiter.api.Test;

import io.agenthub.testing.Database;
import io.quarkus.test.junit.QuarkusTest;

/**
 * The migrations are plain SQL that a DBA may run by hand with psql, twice in a row, and the
 * rollback script undoes them completely. Runs in a scratch database owned by the schema owner.
 */
@QuarkusTest
class MigrationScriptTest {

    @Test
    void appliesTwiceThenRollsBackThenAppliesAgain() throws Exception {
        String database = "scratch_" + Long.toHexString(System.nanoTime());
        try (Connection su = Database.superuser("postgres"); Statement s = su.createStatement()) {
            s.execute("CREATE DATABASE " + database + " OWNER agent_hub_owner");
        }
        try {
            // the migrations in Flyway's order, as one script
            String migration = resource("db/migration/V1__consolidated_schema.sql") + "\n" + resource("db/migration/V2__caller_lookup.sql")
                    + "\n" + resource("db/migration/V3__completion_sessions.sql")
                    + "\n" + resource("db/migration/V4__oauth_client_mechanisms.sql");
            try (Connection owner = Database.owner(database)) {
                runScript(owner, migration);
                runScript(owner, migration);
                assertComplete(owner);

                runScript(owner, resource("db/rollback.sql"));
                assertThat(column(owner, "SELECT relname FROM pg_class WHERE relnamespace = 'public'::regnamespace")).isEmpty();
                assertThat(column(owner, """
                        SELECT proname FROM pg_proc
                        WHERE pronamespace = 'public'::regnamespace
                          AND NOT EXISTS (SELECT 1 FROM pg_depend d WHERE d.objid = pg_proc.oid AND d.deptype = 'e')""")).isEmpty();

                runScript(owner, migration);
                assertComplete(owner);
            }
        } finally {
            try (Connection su = Database.superuser("postgres"); Statement s = su.createStatement()) {
                s.execute("DROP DATABASE " + database + " WITH (FORCE)");
            }
        }
    }

    private static void assertComplete(Connection c) throws SQLException {
        assertThat(count(c, "SELECT count(*) FROM information_schema.tables WHERE table_schema = 'public' AND table_type = 'BASE TABLE'"))
                .isEqualTo(18);
        assertThat(count(c, "SELECT count(*) FROM information_schema.views WHERE table_schema = 'public'")).isEqualTo(4);
        assertThat(count(c, "SELECT count(*) FROM pg_indexes WHERE schemaname = 'public'")).isGreaterThanOrEqualTo(60);
        assertThat(count(c, "SELECT count(*) FROM pg_policies WHERE schemaname = 'public'")).isGreaterThanOrEqualTo(30);
        try (Statement s = c.createStatement()) {
            s.execute("SELECT set_config('app.system_context', 'on', false)");
            assertThat(count(c, "SELECT count(*) FROM agents")).isEqualTo(2);
            assertThat(count(c, "SELECT count(*) FROM models")).isEqualTo(4);
            s.execute("SELECT set_config('app.system_context', '', false)");
        }
    }

    /** What {@code psql -f} does: statements in autocommit, in file order. */
    private static void runScript(Connection c, String sql) throws SQLException {
        c.setAutoCommit(true);
        try (Statement s = c.createStatement()) {
            s.execute(sql);
        }
    }

    private static String resource(String path) throws IOException {
        try (InputStream in = Thread.currentThread().getContextClassLoader().getResourceAsStream(path)) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }
}
