package io.agenthub.testing;

import java.util.HashMap;
import java.util.Map;

import io.agenthub.dev.EmbeddedPostgres;
import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;

/**
 * {@link PackagedServices} with the application's pool behind PgBouncer in transaction mode (three
 * server connections for the whole application), configured with the one setting the README names.
 * Flyway goes to the database directly, as the migration Job does.
 */
public final class BehindPgBouncer implements QuarkusTestResourceLifecycleManager {

    static final String DATABASE = "agent_hub";

    @Override
    public Map<String, String> start() {
        Map<String, String> config = new HashMap<>(new PackagedServices().start());
        EmbeddedPostgres.Server db = EmbeddedPostgres.running();
        PgBouncer pooler = PgBouncer.start(db.port(), DATABASE, "agent_hub_app", db.appPassword(), 3);
        config.put("quarkus.datasource.reactive.url", "postgresql://127.0.0.1:" + pooler.port() + "/" + DATABASE);
        config.put("agent-hub.database.pooler", "transaction");
        return config;
    }

    @Override
    public void stop() {
        // PgBouncer stops with the test JVM, after the application
    }
}
