package io.agenthub.pooling;

import io.agenthub.testing.BehindPgBouncer;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusIntegrationTest;

/** Behind Debian 12's PgBouncer 1.18, which keeps no prepared statement: {@code AGENT_HUB_DATABASE_POOLER=transaction}. */
@QuarkusIntegrationTest
@WithTestResource(BehindPgBouncer.WithoutPreparedStatements.class)
class PgBouncerIT extends PooledRequests {
}
