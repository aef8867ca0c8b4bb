package io.agenthub.tenancy;

import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

import org.hibernate.reactive.mutiny.impl.MutinySessionImpl;
import org.hibernate.reactive.pool.ReactiveConnection;

import io.quarkus.hibernate.reactive.panache.Panache;
import io.smallrye.mutiny.Uni;

/**
 * Hand-written SQL on the connection of the current transaction ({@link TenantTransactions}), with
 * PostgreSQL's own {@code $n} parameters. Entities go through Hibernate; a statement written by hand
 * gains nothing from Hibernate's native-query machinery and pays for it on every call: the SQL
 * parsed for parameters, a result mapping built, and a plan cached under a key that never equals
 * the next call's, so that cache's lookups grew with every request. Here a statement goes straight
 * to the reactive client, which prepares it once per connection.
 */
public final class Sql {

    private Sql() {
    }

    /** The rows, each value as the PostgreSQL client decodes it (uuid: UUID, timestamptz: OffsetDateTime, ...). */
    public static Uni<List<Object[]>> rows(String sql, Object... params) {
        return connection().chain(c -> Uni.createFrom().completionStage(c.select(sql, params))).map(result -> {
            List<Object[]> rows = new ArrayList<>(result.size());
            result.forEachRemaining(rows::add);
            return rows;
        });
    }

    /** The rows, each mapped. */
    public static <T> Uni<List<T>> rows(Function<Object[], T> mapper, String sql, Object... params) {
        return rows(sql, params).map(rows -> rows.stream().map(mapper).toList());
    }

    /** The first row, or null when there is none. */
    public static Uni<Object[]> row(String sql, Object... params) {
        return rows(sql, params).map(rows -> rows.isEmpty() ? null : rows.get(0));
    }

    /** The rows, each read by column name into a record. */
    public static <T> Uni<List<T>> records(Function<SqlRow, T> mapper, String sql, Object... params) {
        return connection().chain(c -> Uni.createFrom().completionStage(c.selectJdbc(sql, params))).map(result -> {
            List<T> records = new ArrayList<>();
            SqlRow row = new SqlRow(result);
            try {
                while (result.next()) {
                    records.add(mapper.apply(row));
                }
            } catch (SQLException e) {
                throw new IllegalStateException(e);
            }
            return records;
        });
    }

    /** The first row read into a record, or null when there is none. */
    public static <T> Uni<T> record(Function<SqlRow, T> mapper, String sql, Object... params) {
        return records(mapper, sql, params).map(records -> records.isEmpty() ? null : records.get(0));
    }

    /** The rows changed (for a SELECT: the rows returned). */
    public static Uni<Integer> update(String sql, Object... params) {
        return connection().chain(c -> Uni.createFrom().completionStage(c.update(sql, params)));
    }

    private static Uni<ReactiveConnection> connection() {
        return Panache.getSession().map(session -> ((MutinySessionImpl) session).getReactiveConnection());
    }
}
