package io.agenthub.web;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Base64;
import java.util.UUID;

import io.quarkus.panache.common.Parameters;

/**
 * Opaque keyset cursor: the sort key and id of the last row of a page. Clients must not parse it;
 * a tampered cursor is a 400, never a 500.
 */
public record Cursor(Instant at, UUID id) {

    /** HQL keyset clauses for pages ordered by (createdAt, id) ascending or descending. */
    public static final String AFTER = "(createdAt > :at or (createdAt = :at and id > :id))";
    public static final String BEFORE = "(createdAt < :at or (createdAt = :at and id < :id))";

    /** Adds this cursor's values to the parameters of an {@link #AFTER} or {@link #BEFORE} clause. */
    public Parameters bind(Parameters params) {
        return params.and("at", at).and("id", id);
    }

    public String encode() {
        return Base64.getUrlEncoder().withoutPadding()
                .encodeToString((at.toString() + "|" + id).getBytes(StandardCharsets.UTF_8));
    }

    /** A cursor over a strictly increasing sequence (chat messages' seq). */
    public static String encodeSequence(long seq) {
        return Base64.getUrlEncoder().withoutPadding().encodeToString(("seq|" + seq).getBytes(StandardCharsets.UTF_8));
    }

    /** The sequence after which the next page starts; 0 for the first page. */
    public static long decodeSequence(String cursor) {
        if (cursor == null || cursor.isBlank()) {
            return 0;
        }
        try {
            String[] parts = new String(Base64.getUrlDecoder().decode(cursor), StandardCharsets.UTF_8).split("\\|", 2);
            if (!parts[0].equals("seq")) {
                throw new IllegalArgumentException();
            }
            return Long.parseLong(parts[1]);
        } catch (RuntimeException e) {
            throw ApiException.invalidField("cursor", "is not a cursor returned by this API");
        }
    }

    public static Cursor decode(String cursor) {
        if (cursor == null || cursor.isBlank()) {
            return null;
        }
        try {
            String[] parts = new String(Base64.getUrlDecoder().decode(cursor), StandardCharsets.UTF_8).split("\\|", 2);
            return new Cursor(Instant.parse(parts[0]), UUID.fromString(parts[1]));
        } catch (RuntimeException e) {
            throw ApiException.invalidField("cursor", "is not a cursor returned by this API");
        }
    }
}
