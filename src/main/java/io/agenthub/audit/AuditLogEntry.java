package io.agenthub.audit;

import java.util.UUID;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Table;

import org.hibernate.annotations.Immutable;

/** Read side of audit_logs; rows are written only by {@link AuditTrail} through log_audit_event(). */
@Entity
@Immutable
@Table(name = "audit_logs")
public class AuditLogEntry extends AuditRecord {

    @Column(name = "organization_id")
    public UUID organizationId;
    @Column(name = "actor_user_id")
    public UUID actorUserId;
    @Column(name = "actor_subject", columnDefinition = "text")
    public String actorSubject;
    @Column(name = "resource_type", columnDefinition = "text")
    public String resourceType;
    @Column(name = "resource_id", columnDefinition = "text")
    public String resourceId;
}
