package io.agenthub.organizations;

import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Size;

public record CreateOrganizationRequest(
        @NotBlank @Size(max = 200) String name,
        @NotBlank @Pattern(regexp = "^[a-z0-9][a-z0-9-]{0,62}$", message = "lowercase letters, digits and dashes, at most 63") String slug,
        @Size(min = 1, max = 255) String externalId,
        @Pattern(regexp = "free|team|enterprise") String plan) {
}
