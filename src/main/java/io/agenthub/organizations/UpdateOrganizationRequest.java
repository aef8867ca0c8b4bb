package io.agenthub.organizations;

import java.util.Map;

import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.Size;

public record UpdateOrganizationRequest(
        @Size(min = 1, max = 200) String name,
        @Size(max = 50) Map<String, Object> settings,
        @Min(1) @Max(1_000_000) Integer maxUsers) {
}
