package io.agenthub.web;

import static io.agenthub.testing.Database.column;
import static org.assertj.core.api.Assertions.assertThat;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.List;

import org.junit.jupiter.api.Test;

import io.agenthub.testing.Database;
import io.quarkus.test.junit.QuarkusTest;

/** Every unique constraint of the schema has the field its 409 names. */
@QuarkusTest
class UniqueKeysTest {

    @Test
    void everyUniqueIndexOfTheSchemaIsNamedForClients() throws SQLException {
        try (Connection c = Database.owner("agent_hub")) {
            List<Object> indexes = column(c, """
                    SELECT i.relname
                    FROM pg_index x
                    JOIN pg_class i ON i.oid = x.indexrelid
                    JOIN pg_class t ON t.oid = x.indrelid
                    JOIN pg_namespace n ON n.oid = t.relnamespace
                    WHERE n.nspname = 'public' AND x.indisunique AND NOT x.indisprimary
                    AND t.relname <> 'flyway_schema_history'
                    ORDER BY 1""");
            assertThat(indexes).isNotEmpty();
            assertThat(indexes).allSatisfy(index -> assertThat(UniqueKeys.known((String) index)).as(index.toString()).isTrue());
        }
    }
}
