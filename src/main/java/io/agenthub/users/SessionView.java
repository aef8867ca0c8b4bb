package io.agenthub.users;

import java.time.Instant;
import java.util.Map;
import java.util.UUID;

public record SessionView(UUID id, boolean current, Map<String, Object> workspaceContext, String ipAddress, String userAgent,
        Instant createdAt, Instant lastSeenAt, Instant expiresAt, Instant revokedAt) {

    static SessionView of(UserSession s, UUID currentSession) {
        return new SessionView(s.id, s.id.equals(currentSession), s.workspaceContext, s.ipAddress, s.userAgent, s.createdAt,
                s.lastSeenAt, s.expiresAt, s.revokedAt);
    }
}
