package io.agenthub.keys;

import java.time.Instant;

import jakarta.validation.constraints.Future;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.Size;

/** {@code expiresAt}: optional; a key without one works until it is revoked. */
public record CreateApiKeyRequest(@NotBlank @Size(max = 100) String name, @Future Instant expiresAt) {
}
