package io.agenthub.chat;

import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.Size;

/** At most 100,000 characters per message; the HTTP layer refuses bodies over 1 MB. */
public record SendMessageRequest(@NotBlank @Size(max = 100_000) String content) {
}
