package io.agenthub.testing;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

import io.agenthub.dev.EmbeddedPostgres;

/**
 * Plain JDBC access to the test database, as the three roles a deployment has: the superuser
 * (scratch databases), the schema owner and the application role the service runs as.
 */
public final class Database {

    private Database() {
    }

    public static EmbeddedPostgres.Server server() {
        EmbeddedPostgres.Server server = EmbeddedPostgres.running();
        if (server == null) {
            throw new IllegalStateException("the embedded PostgreSQL is not running; is this a @QuarkusTest?");
        }
        return server;
    }

    public static Connection superuser(String database) throws SQLException {
        return DriverManager.getConnection(server().jdbcUrl(database), "postgres", server().superuserPassword());
    }

    public static Connection owner(String database) throws SQLException {
        return DriverManager.getConnection(server().jdbcUrl(database), "agent_hub_owner", server().ownerPassword());
    }

    public static Connection app() throws SQLException {
        return DriverManager.getConnection(server().jdbcUrl("agent_hub"), "agent_hub_app", server().appPassword());
    }

    /** Who the transaction runs for: the same settings the service binds. */
    public record Caller(UUID userId, UUID orgId, boolean platformAdmin, boolean systemContext) {

        public static Caller user(UUID userId, UUID orgId) {
            return new Caller(userId, orgId, false, false);
        }

        public static Caller platformAdmin(UUID userId, UUID orgId) {
            return new Caller(userId, orgId, true, false);
        }

        public static Caller system() {
            return new Caller(null, null, false, true);
        }

        public static Caller nobody() {
            return new Caller(null, null, false, false);
        }
    }

    @FunctionalInterface
    public interface Work<T> {
        T run(Connection connection) throws SQLException;
    }

    /** Runs {@code work} as the application role in one transaction bound to {@code caller}; commits. */
    public static <T> T as(Caller caller, Work<T> work) throws SQLException {
        return inTransaction(caller, work, true);
    }

    /** Like {@link #as} but always rolls back: for probes that must leave nothing behind. */
    public static <T> T probe(Caller caller, Work<T> work) throws SQLException {
        return inTransaction(caller, work, false);
    }

    private static <T> T inTransaction(Caller caller, Work<T> work, boolean commit) throws SQLException {
        try (Connection c = app()) {
            c.setAutoCommit(false);
            try (PreparedStatement bind = c.prepareStatement("SELECT set_config('app.current_user_id', ?, true), "
                    + "set_config('app.current_org_id', ?, true), set_config('app.is_platform_admin', ?, true), "
                    + "set_config('app.system_context', ?, true)")) {
                bind.setString(1, caller.userId() == null ? "" : caller.userId().toString());
                bind.setString(2, caller.orgId() == null ? "" : caller.orgId().toString());
                bind.setString(3, caller.platformAdmin() ? "true" : "");
                bind.setString(4, caller.systemContext() ? "on" : "");
                bind.execute();
            }
            try {
                T result = work.run(c);
                if (commit) {
                    c.commit();
                } else {
                    c.rollback();
                }
                return result;
            } catch (SQLException | RuntimeException e) {
                c.rollback();
                throw e;
            }
        }
    }

    /** A count read in the system context, in a transaction that is rolled back. */
    public static long countAsSystem(String sql, Object... params) throws SQLException {
        return probe(Caller.system(), c -> count(c, sql, params));
    }

    public static long count(Connection c, String sql, Object... params) throws SQLException {
        return ((Number) single(c, sql, params)).longValue();
    }

    public static Object single(Connection c, String sql, Object... params) throws SQLException {
        List<Object> rows = column(c, sql, params);
        if (rows.size() != 1) {
            throw new IllegalStateException("expected one row from " + sql + ", got " + rows.size());
        }
        return rows.get(0);
    }

    public static List<Object> column(Connection c, String sql, Object... params) throws SQLException {
        try (PreparedStatement s = c.prepareStatement(sql)) {
            for (int i = 0; i < params.length; i++) {
                s.setObject(i + 1, params[i]);
            }
            List<Object> values = new ArrayList<>();
            try (ResultSet rs = s.executeQuery()) {
                while (rs.next()) {
                    values.add(rs.getObject(1));
                }
            }
            return values;
        }
    }

    public static int update(Connection c, String sql, Object... params) throws SQLException {
        try (PreparedStatement s = c.prepareStatement(sql)) {
            for (int i = 0; i < params.length; i++) {
                s.setObject(i + 1, params[i]);
            }
            return s.executeUpdate();
        }
    }
}
