package io.agenthub.audit;

import java.time.Instant;
import java.util.Map;
import java.util.UUID;

public record AuditLogView(UUID id, UUID organizationId, UUID actorUserId, String actorSubject, String action,
        String resourceType, String resourceId, Map<String, Object> details, String requestId, String ipAddress,
        String userAgent, Instant createdAt) {

    static AuditLogView of(AuditLogEntry e) {
        return new AuditLogView(e.id, e.organizationId, e.actorUserId, e.actorSubject, e.action, e.resourceType, e.resourceId,
                e.details, e.requestId, e.ipAddress, e.userAgent, e.createdAt);
    }
}
