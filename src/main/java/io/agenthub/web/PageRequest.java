package io.agenthub.web;

import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.ws.rs.QueryParam;

/** {@code ?limit=&cursor=} of every list endpoint. */
public class PageRequest {

    @QueryParam("limit")
    @Min(1)
    @Max(Page.MAX_LIMIT)
    Integer limit;

    @QueryParam("cursor")
    String cursor;

    public int limit() {
        return limit == null ? Page.DEFAULT_LIMIT : limit;
    }

    public Cursor cursor() {
        return Cursor.decode(cursor);
    }

    /** The cursor as sent, for lists with a cursor of their own kind. */
    public String rawCursor() {
        return cursor;
    }
}
