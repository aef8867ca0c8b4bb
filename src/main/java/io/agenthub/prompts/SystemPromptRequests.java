package io.agenthub.prompts;

import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Size;

public final class SystemPromptRequests {

    private SystemPromptRequests() {
    }

    public record CreateSystemPromptRequest(
            @NotNull @Pattern(regexp = "global|organization|user") String scope,
            @NotBlank @Size(max = 200) String name,
            @NotBlank @Size(max = 100_000) String content,
            @Min(0) @Max(10_000) Integer priority,
            Boolean enabled) {
    }

    public record UpdateSystemPromptRequest(
            @Size(min = 1, max = 200) String name,
            @Size(min = 1, max = 100_000) String content,
            @Min(0) @Max(10_000) Integer priority,
            Boolean enabled) {
    }
}
