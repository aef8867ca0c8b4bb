package io.agenthub.web;

import java.net.ConnectException;
import java.sql.SQLException;
import java.time.Duration;
import java.util.function.Supplier;

import io.smallrye.mutiny.Uni;
import io.vertx.pgclient.PgException;
import io.vertx.sqlclient.ClosedConnectionException;

/**
 * Which failures mean the database is out of reach for now (stopped, starting, restarting, out of
 * connections, a dropped connection) rather than refusing what was asked: worth a retry, and for
 * the client a 503 rather than a 500.
 */
public final class DatabaseFailures {

    /** About six seconds in all: a restart or a failover, not a long outage. */
    private static final Duration FIRST_BACKOFF = Duration.ofMillis(250);
    private static final Duration MAX_BACKOFF = Duration.ofSeconds(2);
    private static final int RETRIES = 5;

    private DatabaseFailures() {
    }

    /**
     * A write that must land (the end of an execution): through a database restart or a dropped
     * connection it is tried again, each time anew from {@code write}, so in a new transaction.
     */
    public static <T> Uni<T> landing(Supplier<Uni<? extends T>> write) {
        return Uni.createFrom().deferred(write).onFailure(DatabaseFailures::unavailable).retry()
                .withBackOff(FIRST_BACKOFF, MAX_BACKOFF).atMost(RETRIES);
    }

    public static boolean unavailable(Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause() == t ? null : t.getCause()) {
            // a connection dropped mid-transaction fails twice at once: the reset, and Hibernate Reactive
            // closing a session whose transaction was live (HR000090)
            if (t instanceof io.smallrye.mutiny.CompositeException composite
                    && composite.getCauses().stream().anyMatch(c -> c != composite && unavailable(c))) {
                return true;
            }
            if (t instanceof java.net.SocketException || t.getClass().getName().equals("io.netty.channel.unix.Errors$NativeIoException")) {
                return true;
            }
            String state = t instanceof PgException pg ? pg.getSqlState() : t instanceof SQLException sql ? sql.getSQLState() : null;
            // 08: connection exceptions; 57P01-57P03: shutting down, crashed, starting up; 53300: too many connections;
            // 55P03 and 57014: the role's lock_timeout or statement_timeout ended a wait (busy, not refused)
            if (state != null && (state.startsWith("08") || state.startsWith("57P") || state.equals("53300")
                    || state.equals("55P03") || state.equals("57014"))) {
                return true;
            }
            if (t instanceof ConnectException || t instanceof ClosedConnectionException) {
                return true;
            }
        }
        return false;
    }
}
