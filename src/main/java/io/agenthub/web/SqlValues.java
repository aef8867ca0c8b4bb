package io.agenthub.web;

import java.time.Instant;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.Map;

import io.vertx.core.json.JsonObject;

/** Conversions of values read by native queries, whose Java types depend on the driver. */
public final class SqlValues {

    private SqlValues() {
    }

    public static Instant instant(Object value) {
        if (value == null) {
            return null;
        }
        if (value instanceof Instant i) {
            return i;
        }
        if (value instanceof OffsetDateTime o) {
            return o.toInstant();
        }
        if (value instanceof LocalDateTime l) {
            return l.toInstant(ZoneOffset.UTC);
        }
        return Instant.parse(value.toString());
    }

    /** A jsonb object as the PostgreSQL client decodes it, as a plain map. */
    public static Map<String, Object> map(Object value) {
        if (value == null) {
            return null;
        }
        return value instanceof JsonObject json ? json.getMap() : new JsonObject(value.toString()).getMap();
    }
}
