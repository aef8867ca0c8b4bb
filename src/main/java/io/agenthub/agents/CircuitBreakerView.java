package io.agenthub.agents;

import java.time.Instant;

public record CircuitBreakerView(String agent, String state, int failureCount, int successCount, Instant lastFailureAt,
        Instant openedAt, Instant nextAttemptAt, Instant lastTransitionAt, String updatedBy) {
}
