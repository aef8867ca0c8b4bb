package io.agenthub.agents;

import java.math.BigDecimal;
import java.time.Instant;
import java.util.List;
import java.util.UUID;

import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.PositiveOrZero;
import jakarta.validation.constraints.Size;

/** Request and response bodies of the agent catalogue. */
public final class AgentViews {

    private AgentViews() {
    }

    public record ModelView(UUID id, String name, String providerModelId, String displayName, int contextWindow,
            int maxOutputTokens, BigDecimal inputCostPerMtok, BigDecimal outputCostPerMtok, boolean enabled) {

        static ModelView of(Model m) {
            return new ModelView(m.id, m.name, m.providerModelId, m.displayName, m.contextWindow, m.maxOutputTokens,
                    m.inputCostPerMtok, m.outputCostPerMtok, m.enabled);
        }
    }

    public record StatusView(String health, Integer latencyMs, int consecutiveFailures, Instant lastCheckAt, Instant lastSuccessAt,
            String breakerState, Instant breakerOpenedAt, Instant breakerNextAttemptAt) {
    }

    /** {@code fallbackModel}: where calls go while the breaker is open ({@code agent/model}), or null for a 503. */
    public record AgentView(UUID id, String name, String type, String displayName, String description, String provider,
            boolean enabled, List<ModelView> models, StatusView status, String fallbackModel) {
    }

    public record UpdateAgentRequest(Boolean enabled, @Size(min = 1, max = 200) String displayName,
            @Min(100) @Max(600_000) Integer requestTimeoutMs, @Min(100) @Max(600_000) Integer firstTokenTimeoutMs,
            @Min(100) @Max(600_000) Integer streamIdleTimeoutMs, @Min(0) @Max(10) Integer maxRetries,
            @Min(1) @Max(10_000) Integer maxConcurrentCalls, @Min(1) @Max(1000) Integer breakerFailureThreshold,
            @Min(100) @Max(3_600_000) Integer breakerOpenMs, @Size(max = 100) String fallbackModel) {
    }

    public record ModelRequest(
            @Pattern(regexp = "^[A-Za-z0-9][A-Za-z0-9_.:-]{0,99}$") String name,
            @Size(min = 1, max = 200) String providerModelId,
            @Size(min = 1, max = 200) String displayName,
            @Min(1) @Max(100_000_000) Integer contextWindow,
            @Min(1) @Max(1_000_000) Integer maxOutputTokens,
            @PositiveOrZero BigDecimal inputCostPerMtok,
            @PositiveOrZero BigDecimal outputCostPerMtok,
            Boolean enabled) {
    }

    public record CircuitBreakerView(String agent, String state, int failureCount, int successCount, Instant lastFailureAt,
            Instant openedAt, Instant nextAttemptAt, Instant lastTransitionAt, String updatedBy) {
    }
}
