package io.agenthub.agents;

import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.Size;

public record UpdateAgentRequest(Boolean enabled, @Size(min = 1, max = 200) String displayName,
        @Min(100) @Max(600_000) Integer requestTimeoutMs, @Min(100) @Max(600_000) Integer firstTokenTimeoutMs,
        @Min(100) @Max(600_000) Integer streamIdleTimeoutMs, @Min(0) @Max(10) Integer maxRetries,
        @Min(1) @Max(10_000) Integer maxConcurrentCalls, @Min(1) @Max(1000) Integer breakerFailureThreshold,
        @Min(100) @Max(3_600_000) Integer breakerOpenMs, @Size(max = 100) String fallbackModel) {
}
