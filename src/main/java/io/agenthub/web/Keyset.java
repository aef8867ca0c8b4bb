package io.agenthub.web;

import java.time.Instant;
import java.util.UUID;
import java.util.function.Function;

import io.quarkus.hibernate.reactive.panache.PanacheRepositoryBase;
import io.quarkus.panache.common.Parameters;
import io.quarkus.panache.common.Sort;
import io.smallrye.mutiny.Uni;

/**
 * The one way a Panache list is read a page at a time: a filter built clause by clause, ordered by
 * (createdAt, id), resumed after a {@link Cursor} by keyset (never OFFSET, which rereads every
 * skipped row and shifts under concurrent inserts). Fetches one row more than the page to know
 * whether there is a next one.
 */
public final class Keyset {

    private final StringBuilder where;
    private Parameters params;
    private final boolean newestFirst;

    private Keyset(String where, Parameters params, boolean newestFirst) {
        this.where = new StringBuilder(where);
        this.params = params;
        this.newestFirst = newestFirst;
    }

    /** Rows matching {@code where} (HQL, named parameters), oldest first. */
    public static Keyset oldestFirst(String where, Parameters params) {
        return new Keyset(where, params, false);
    }

    public static Keyset newestFirst(String where, Parameters params) {
        return new Keyset(where, params, true);
    }

    /** Adds {@code and clause}, with one named parameter. */
    public Keyset and(String clause, String name, Object value) {
        where.append(" and ").append(clause);
        params = params.and(name, value);
        return this;
    }

    /** Adds {@code and clause}, without parameters. */
    public Keyset and(String clause) {
        where.append(" and ").append(clause);
        return this;
    }

    /** Reads the page after {@code cursor} (the first when null), inside the caller's transaction. */
    public <E, V> Uni<Page<V>> page(PanacheRepositoryBase<E, UUID> repository, Cursor cursor, int limit, Function<E, Instant> createdAt,
            Function<E, UUID> id, Function<E, V> view) {
        String query = where.toString();
        Parameters bound = params;
        if (cursor != null) {
            query += " and " + (newestFirst ? Cursor.BEFORE : Cursor.AFTER);
            bound = cursor.bind(bound);
        }
        Sort sort = newestFirst ? Sort.descending("createdAt", "id") : Sort.ascending("createdAt", "id");
        return repository.find(query, sort, bound).page(0, limit + 1).list()
                .map(rows -> Page.of(rows, limit, e -> new Cursor(createdAt.apply(e), id.apply(e)), view));
    }
}
