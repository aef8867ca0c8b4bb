package io.agenthub.chat;

import java.time.Instant;
import java.util.UUID;

public record SessionView(UUID id, String title, boolean archived, String agent, String model, long messageCount,
        Instant createdAt, Instant lastActivityAt) {
}
