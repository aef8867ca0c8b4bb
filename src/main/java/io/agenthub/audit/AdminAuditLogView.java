package io.agenthub.audit;

import java.time.Instant;
import java.util.Map;
import java.util.UUID;

public record AdminAuditLogView(UUID id, UUID adminUserId, String action, String targetType, String targetId,
        UUID targetOrganizationId, Map<String, Object> details, String requestId, String ipAddress, String userAgent,
        Instant createdAt) {

    static AdminAuditLogView of(AdminAuditLogEntry e) {
        return new AdminAuditLogView(e.id, e.adminUserId, e.action, e.targetType, e.targetId, e.targetOrganizationId, e.details,
                e.requestId, e.ipAddress, e.userAgent, e.createdAt);
    }
}
