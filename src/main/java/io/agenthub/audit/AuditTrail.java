package io.agenthub.audit;

import java.util.Map;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.agenthub.web.RequestInfo;
import io.quarkus.hibernate.reactive.panache.Panache;
import io.smallrye.mutiny.Uni;

/**
 * The one writer of audit rows. It joins the caller's open transaction (the session of the
 * current Vert.x context), so an audit row commits with its change or not at all. Details are
 * summaries chosen by the caller of this class and must never hold secrets.
 */
@ApplicationScoped
public class AuditTrail {

    private final RequestInfo request;
    private final ObjectMapper json;

    public AuditTrail(RequestInfo request, ObjectMapper json) {
        this.request = request;
        this.json = json;
    }

    /** One audit_logs row in the bound caller's organisation. */
    public Uni<Void> record(String action, String resourceType, Object resourceId, Map<String, ?> details) {
        return write(null, action, resourceType, resourceId, details);
    }

    /** One audit_logs row in {@code organizationId} (system context, or platform admins acting on another organisation). */
    public Uni<Void> recordFor(UUID organizationId, String action, String resourceType, Object resourceId, Map<String, ?> details) {
        return write(organizationId, action, resourceType, resourceId, details);
    }

    /** A platform administrator's action: one admin_audit_log row and one audit_logs row in the target organisation. */
    public Uni<Void> recordAdmin(UUID adminUserId, UUID targetOrganizationId, String action, String targetType, Object targetId,
            Map<String, ?> details) {
        return Panache.getSession().chain(session -> session.createNativeQuery("""
                INSERT INTO admin_audit_log (admin_user_id, action, target_type, target_id, target_organization_id, details,
                                             request_id, ip_address, user_agent)
                VALUES (:admin, :action, :type, CAST(:id AS text), CAST(CAST(:org AS text) AS uuid), CAST(CAST(:details AS text) AS jsonb),
                        CAST(:request AS text), CAST(CAST(:ip AS text) AS inet), CAST(:agent AS text))""")
                .setParameter("admin", adminUserId)
                .setParameter("action", action)
                .setParameter("type", targetType)
                .setParameter("id", targetId == null ? null : targetId.toString())
                .setParameter("org", targetOrganizationId == null ? null : targetOrganizationId.toString())
                .setParameter("details", toJson(withClientRequestId(details)))
                .setParameter("request", request.requestId())
                .setParameter("ip", request.ipAddress())
                .setParameter("agent", request.userAgent())
                .executeUpdate())
                .chain(() -> write(targetOrganizationId, action, targetType, targetId, details));
    }

    private Uni<Void> write(UUID organizationId, String action, String resourceType, Object resourceId, Map<String, ?> details) {
        return Panache.getSession().chain(session -> session.createNativeQuery("""
                SELECT CAST(log_audit_event(:action, :type, CAST(:id AS text), CAST(CAST(:details AS text) AS jsonb), CAST(:request AS text),
                       CAST(CAST(:ip AS text) AS inet), CAST(:agent AS text), CAST(CAST(:org AS text) AS uuid)) AS text)""")
                .setParameter("action", action)
                .setParameter("type", resourceType)
                .setParameter("id", resourceId == null ? null : resourceId.toString())
                .setParameter("details", toJson(withClientRequestId(details)))
                .setParameter("request", request.requestId())
                .setParameter("ip", request.ipAddress())
                .setParameter("agent", request.userAgent())
                .setParameter("org", organizationId == null ? null : organizationId.toString())
                .getSingleResult())
                .replaceWithVoid();
    }

    /** The client's own request id goes into the details, apart from the hub's request id column. */
    private Map<String, ?> withClientRequestId(Map<String, ?> details) {
        if (request.clientRequestId() == null) {
            return details;
        }
        Map<String, Object> with = new java.util.LinkedHashMap<>(details == null ? Map.of() : details);
        with.put("clientRequestId", request.clientRequestId());
        return with;
    }

    private String toJson(Map<String, ?> details) {
        try {
            return json.writeValueAsString(details == null ? Map.of() : details);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("audit details must be JSON-serialisable", e);
        }
    }
}
