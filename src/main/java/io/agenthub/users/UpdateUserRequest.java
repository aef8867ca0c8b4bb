package io.agenthub.users;

import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Size;

public record UpdateUserRequest(
        @Pattern(regexp = "owner|admin|member|viewer") String role,
        Boolean active,
        @Size(min = 1, max = 200) String displayName) {
}
