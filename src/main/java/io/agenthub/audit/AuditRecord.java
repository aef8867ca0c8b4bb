package io.agenthub.audit;

import java.time.Instant;
import java.util.Map;
import java.util.UUID;

import jakarta.persistence.Column;
import jakarta.persistence.Id;
import jakarta.persistence.MappedSuperclass;

import org.hibernate.annotations.ColumnTransformer;
import org.hibernate.annotations.JdbcTypeCode;
import org.hibernate.type.SqlTypes;

/** Columns both audit tables share: what happened, and the request it happened in. */
@MappedSuperclass
public abstract class AuditRecord {

    @Id
    public UUID id;
    @Column(columnDefinition = "text")
    public String action;
    @JdbcTypeCode(SqlTypes.JSON)
    public Map<String, Object> details;
    @Column(name = "request_id", columnDefinition = "text")
    public String requestId;
    @Column(name = "ip_address", columnDefinition = "inet")
    @ColumnTransformer(read = "host(ip_address)")
    public String ipAddress;
    @Column(name = "user_agent", columnDefinition = "text")
    public String userAgent;
    @Column(name = "created_at")
    public Instant createdAt;
}
