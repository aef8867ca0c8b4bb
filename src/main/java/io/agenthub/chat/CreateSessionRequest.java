package io.agenthub.chat;

import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.Size;

public record CreateSessionRequest(@NotBlank @Size(max = 64) String agent, @NotBlank @Size(max = 100) String model,
        @Size(min = 1, max = 200) String title) {
}
