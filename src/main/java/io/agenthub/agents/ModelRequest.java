package io.agenthub.agents;

import java.math.BigDecimal;

import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.PositiveOrZero;
import jakarta.validation.constraints.Size;

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
