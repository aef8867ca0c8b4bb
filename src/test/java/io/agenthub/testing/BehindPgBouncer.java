package io.agenthub.testing;

import java.util.HashMap;
import java.util.Map;

import io.agenthub.dev.EmbeddedPostgres;
import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;

/**
 * {@link PackagedServices} with the application's pool behind PgBouncer in transaction mode (three
 * server connections for the whole application), configured with the one setting the README names
 * for that kind of PgBouncer. Flyway goes to the database directly, as the migration Job does.
 */
public abstract class BehindPgBouncer implements QuarkusTestResourceLifecycleManager {

    static final String DATABASE = "agent_hub";

    private final PgBouncer.Kind kind;
    private final String pooler;
    private PgBouncer bouncer;

    BehindPgBouncer(PgBouncer.Kind kind, String pooler) {
        this.kind = kind;
        this.pooler = pooler;
    }

    /** PgBouncer 1.18, and {@code agent-hub.database.pooler=transaction}. */
    public static final class WithoutPreparedStatements extends BehindPgBouncer {
        public WithoutPreparedStatements() {
            super(PgBouncer.Kind.WITHOUT_PREPARED_STATEMENTS, "transaction");
        }
    }

    /** PgBouncer 1.24 with max_prepared_statements, and the default {@code agent-hub.database.pooler=direct}. */
    public static final class WithPreparedStatements extends BehindPgBouncer {
        public WithPreparedStatements() {
            super(PgBouncer.Kind.WITH_PREPARED_STATEMENTS, "direct");
        }
    }

    @Override
    public Map<String, String> start() {
        Map<String, String> config = new HashMap<>(new PackagedServices().start());
        EmbeddedPostgres.Server db = EmbeddedPostgres.running();
        bouncer = PgBouncer.start(kind, db.port(), DATABASE, "agent_hub_app", db.appPassword(), 3);
        config.put("quarkus.datasource.reactive.url", "postgresql://127.0.0.1:" + bouncer.port() + "/" + DATABASE);
        config.put("agent-hub.database.pooler", pooler);
        return config;
    }

    @Override
    public void stop() {
        try {
            bouncer.stop();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
