package io.agenthub.audit;

import java.time.Instant;
import java.util.Map;
import java.util.UUID;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

import org.hibernate.annotations.ColumnTransformer;
import org.hibernate.annotations.Immutable;
import org.hibernate.annotations.JdbcTypeCode;
import org.hibernate.type.SqlTypes;

/** Read side of audit_logs; rows are written only by {@link AuditTrail} through log_audit_event(). */
@Entity
@Immutable
@Table(name = "audit_logs")
public class AuditLogEntry {

    @Id
    public UUID id;
    @Column(name = "organization_id")
    public UUID organizationId;
    @Column(name = "actor_user_id")
    public UUID actorUserId;
    @Column(name = "actor_subject")
    public String actorSubject;
    public String action;
    @Column(name = "resource_type")
    public String resourceType;
    @Column(name = "resource_id")
    public String resourceId;
    @JdbcTypeCode(SqlTypes.JSON)
    public Map<String, Object> details;
    @Column(name = "request_id")
    public String requestId;
    @Column(name = "ip_address")
    @ColumnTransformer(read = "host(ip_address)")
    public String ipAddress;
    @Column(name = "user_agent")
    public String userAgent;
    @Column(name = "created_at")
    public Instant createdAt;
}
