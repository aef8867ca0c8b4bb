package io.agenthub.testing;

import static org.assertj.core.api.Assertions.assertThat;

import java.sql.SQLException;
import java.util.UUID;

/** The chat invariant, checked after every chat test: each turn ends in exactly one finished execution. */
public final class Turns {

    private Turns() {
    }

    /**
     * Every user message of the organisation has exactly one agent_executions row, and none is
     * still running, whatever happened to the turn (success, provider error, timeout, rejection,
     * disconnect). Waits a little for turns whose client left before they were recorded.
     */
    public static void assertEveryTurnEnded(Api user) throws SQLException, InterruptedException {
        UUID org = UUID.fromString(user.orgId());
        long deadline = System.nanoTime() + 5_000_000_000L;
        while (running(org) > 0 && System.nanoTime() < deadline) {
            Thread.sleep(50);
        }
        long broken = Database.countAsSystem("""
                SELECT count(*) FROM chat_messages m
                WHERE m.organization_id = ? AND m.role = 'user'
                  AND (SELECT count(*) FROM agent_executions e WHERE e.user_message_id = m.id AND e.status <> 'running') <> 1""",
                org);
        assertThat(broken).as("user messages without exactly one finished execution").isZero();
        long turns = Database.countAsSystem("SELECT count(*) FROM chat_messages WHERE organization_id = ? AND role = 'user'", org);
        // completions through /v1 that name no session have none, and those answering tool results no user message
        long executions = Database.countAsSystem("""
                SELECT count(*) FROM agent_executions WHERE organization_id = ? AND session_id IS NOT NULL
                  AND user_message_id IS NOT NULL""", org);
        assertThat(executions).as("executions of the organisation's chat sessions").isEqualTo(turns);
    }

    private static long running(UUID org) throws SQLException {
        return Database.countAsSystem("SELECT count(*) FROM agent_executions WHERE organization_id = ? AND status = 'running'", org);
    }
}
