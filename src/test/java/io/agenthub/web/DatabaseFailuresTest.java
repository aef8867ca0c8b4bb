package io.agenthub.web;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.SocketException;

import org.hibernate.HibernateException;
import org.junit.jupiter.api.Test;

import io.smallrye.mutiny.CompositeException;

/** What a database restart under load throws, as it was seen: each a 503 to retry, none a 500. */
class DatabaseFailuresTest {

    @Test
    void aConnectionResetMidTransactionIsTheDatabaseBeingAway() {
        Throwable restart = new CompositeException(new SocketException("Connection reset"),
                new HibernateException("HR000090: Live transaction detected while closing the connection: it will be roll backed"));
        assertThat(DatabaseFailures.unavailable(restart)).isTrue();
        assertThat(DatabaseFailures.unavailable(new RuntimeException(new SocketException("Connection reset")))).isTrue();
        assertThat(DatabaseFailures.unavailable(new CompositeException(new IllegalStateException("a bug"),
                new IllegalArgumentException("another")))).isFalse();
        assertThat(DatabaseFailures.unavailable(new IllegalStateException("a bug"))).isFalse();
        // the service role's lock_timeout and statement_timeout: the database is busy, worth a retry
        assertThat(DatabaseFailures.unavailable(new io.vertx.pgclient.PgException("canceling statement due to lock timeout", "ERROR",
                "55P03", null))).isTrue();
        assertThat(DatabaseFailures.unavailable(new io.vertx.pgclient.PgException("canceling statement due to statement timeout",
                "ERROR", "57014", null))).isTrue();
        assertThat(DatabaseFailures.unavailable(new io.vertx.pgclient.PgException("duplicate key", "ERROR", "23505", null))).isFalse();
    }
}
