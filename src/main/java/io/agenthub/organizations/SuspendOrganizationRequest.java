package io.agenthub.organizations;

import jakarta.validation.constraints.Size;

public record SuspendOrganizationRequest(@Size(max = 500) String reason) {
}
