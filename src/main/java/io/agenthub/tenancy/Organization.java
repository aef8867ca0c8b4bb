package io.agenthub.tenancy;

import java.time.Instant;
import java.util.Map;
import java.util.UUID;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.PrePersist;
import jakarta.persistence.PreUpdate;
import jakarta.persistence.Table;

import org.hibernate.annotations.JdbcTypeCode;
import org.hibernate.type.SqlTypes;

@Entity
@Table(name = "organizations")
public class Organization {

    @Id
    public UUID id;
    public String name;
    public String slug;
    @Column(name = "external_id")
    public String externalId;
    public String status;
    public String plan;
    @JdbcTypeCode(SqlTypes.JSON)
    public Map<String, Object> settings;
    @Column(name = "max_users")
    public Integer maxUsers;
    @Column(name = "suspended_at")
    public Instant suspendedAt;
    @Column(name = "created_at", updatable = false)
    public Instant createdAt;
    @Column(name = "updated_at")
    public Instant updatedAt;

    @PrePersist
    void onCreate() {
        if (id == null) {
            id = UUID.randomUUID();
        }
        createdAt = updatedAt = Instant.now();
    }

    @PreUpdate
    void onUpdate() {
        updatedAt = Instant.now();
    }

    public boolean isSuspended() {
        return "suspended".equals(status);
    }
}
