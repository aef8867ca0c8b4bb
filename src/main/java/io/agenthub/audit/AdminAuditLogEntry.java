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

/** Read side of admin_audit_log; rows are written only by {@link AuditTrail}. */
@Entity
@Immutable
@Table(name = "admin_audit_log")
public class AdminAuditLogEntry {

    @Id
    public UUID id;
    @Column(name = "admin_user_id")
    public UUID adminUserId;
    public String action;
    @Column(name = "target_type")
    public String targetType;
    @Column(name = "target_id")
    public String targetId;
    @Column(name = "target_organization_id")
    public UUID targetOrganizationId;
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
