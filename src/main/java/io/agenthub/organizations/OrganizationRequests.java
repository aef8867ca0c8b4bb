package io.agenthub.organizations;

import java.util.Map;

import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Size;

/** Request bodies of the organisation endpoints. */
public final class OrganizationRequests {

    private OrganizationRequests() {
    }

    public record UpdateOrganizationRequest(
            @Size(min = 1, max = 200) String name,
            @Size(max = 50) Map<String, Object> settings,
            @Min(1) @Max(1_000_000) Integer maxUsers) {
    }

    public record CreateOrganizationRequest(
            @NotBlank @Size(max = 200) String name,
            @NotBlank @Pattern(regexp = "^[a-z0-9][a-z0-9-]{0,62}$", message = "lowercase letters, digits and dashes, at most 63") String slug,
            @Size(min = 1, max = 255) String externalId,
            @Pattern(regexp = "free|team|enterprise") String plan) {
    }

    public record SuspendOrganizationRequest(@Size(max = 500) String reason) {
    }
}
