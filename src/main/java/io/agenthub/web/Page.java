package io.agenthub.web;

import java.util.List;
import java.util.function.Function;

import io.quarkus.runtime.annotations.RegisterForReflection;

/** One page of a list; {@code nextCursor} is null on the last page. */
@RegisterForReflection
public record Page<T>(List<T> items, String nextCursor) {

    public static final int DEFAULT_LIMIT = 50;
    public static final int MAX_LIMIT = 100;

    /**
     * Builds a page from {@code limit + 1} fetched rows: the extra row only proves there is a next
     * page, whose cursor is the last returned row.
     */
    public static <E, T> Page<T> of(List<E> rows, int limit, Function<E, Cursor> cursorOf, Function<E, T> view) {
        boolean more = rows.size() > limit;
        List<E> page = more ? rows.subList(0, limit) : rows;
        return new Page<>(page.stream().map(view).toList(), more ? cursorOf.apply(page.get(page.size() - 1)).encode() : null);
    }
}
