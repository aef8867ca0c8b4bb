package io.agenthub.agents;

import java.util.List;
import java.util.UUID;

/** {@code fallbackModel}: where calls go while the breaker is open ({@code agent/model}), or null for a 503. */
public record AgentView(UUID id, String name, String type, String displayName, String description, String provider,
        boolean enabled, List<ModelView> models, StatusView status, String fallbackModel) {
}
