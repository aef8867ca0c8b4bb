package io.agenthub.pooling;

import io.agenthub.testing.BehindPgBouncer;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusIntegrationTest;

/**
 * Behind PgBouncer 1.24 (Debian 13's) with {@code max_prepared_statements}: the default
 * {@code AGENT_HUB_DATABASE_POOLER=direct}, each statement prepared once per client connection.
 */
@QuarkusIntegrationTest
@WithTestResource(BehindPgBouncer.WithPreparedStatements.class)
class PgBouncerPreparedStatementsIT extends PooledRequests {
}
