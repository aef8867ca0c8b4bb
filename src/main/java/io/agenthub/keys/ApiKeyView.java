package io.agenthub.keys;

import java.time.Instant;
import java.util.UUID;

/** A key as lists show it: never the key, only its first characters. */
public record ApiKeyView(UUID id, UUID userId, String name, String prefix, Instant expiresAt, Instant lastUsedAt, Instant revokedAt,
        Instant createdAt) {

    static ApiKeyView of(ApiKey k) {
        return new ApiKeyView(k.id, k.userId, k.name, k.prefix, k.expiresAt, k.lastUsedAt, k.revokedAt, k.createdAt);
    }
}
