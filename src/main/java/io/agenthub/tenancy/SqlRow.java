package io.agenthub.tenancy;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.Map;
import java.util.UUID;

import io.vertx.core.json.JsonObject;

/**
 * One row of a hand-written statement ({@link Sql#records}), read by column name so the SQL and its
 * mapping can change order independently. Values are the PostgreSQL client's own decoding.
 */
public final class SqlRow {

    private final ResultSet row;

    SqlRow(ResultSet row) {
        this.row = row;
    }

    public UUID uuid(String column) {
        return get(column, UUID.class);
    }

    public String text(String column) {
        return get(column, String.class);
    }

    public Integer integer(String column) {
        return get(column, Integer.class);
    }

    public Long bigint(String column) {
        return get(column, Long.class);
    }

    public boolean bool(String column) {
        return Boolean.TRUE.equals(get(column, Boolean.class));
    }

    public Instant instant(String column) {
        OffsetDateTime at = get(column, OffsetDateTime.class);
        return at == null ? null : at.toInstant();
    }

    /** A jsonb object as a plain map. */
    public Map<String, Object> json(String column) {
        JsonObject json = get(column, JsonObject.class);
        return json == null ? null : json.getMap();
    }

    public String[] texts(String column) {
        return get(column, String[].class);
    }

    private <T> T get(String column, Class<T> type) {
        try {
            return row.getObject(column, type);
        } catch (SQLException e) {
            throw new IllegalStateException("Column " + column + " of a hand-written statement", e);
        }
    }
}
