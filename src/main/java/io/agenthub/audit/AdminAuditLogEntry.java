package io.agenthub.audit;

import java.util.UUID;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Table;

import org.hibernate.annotations.Immutable;

/** Read side of admin_audit_log; rows are written only by {@link AuditTrail}. */
@Entity
@Immutable
@Table(name = "admin_audit_log")
public class AdminAuditLogEntry extends AuditRecord {

    @Column(name = "admin_user_id")
    public UUID adminUserId;
    @Column(name = "target_type", columnDefinition = "text")
    public String targetType;
    @Column(name = "target_id", columnDefinition = "text")
    public String targetId;
    @Column(name = "target_organization_id")
    public UUID targetOrganizationId;
}
