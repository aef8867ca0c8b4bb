package io.agenthub.agents;

import java.time.Instant;

public record StatusView(String health, Integer latencyMs, int consecutiveFailures, Instant lastCheckAt, Instant lastSuccessAt,
        String breakerState, Instant breakerOpenedAt, Instant breakerNextAttemptAt) {
}
