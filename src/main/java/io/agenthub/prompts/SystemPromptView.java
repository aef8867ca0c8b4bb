package io.agenthub.prompts;

import java.time.Instant;
import java.util.UUID;

public record SystemPromptView(UUID id, String scope, UUID organizationId, UUID userId, String name, String content,
        int priority, boolean enabled, Instant createdAt, Instant updatedAt) {

    static SystemPromptView of(SystemPrompt p) {
        return new SystemPromptView(p.id, p.scope, p.organizationId, p.userId, p.name, p.content, p.priority, p.enabled,
                p.createdAt, p.updatedAt);
    }
}
