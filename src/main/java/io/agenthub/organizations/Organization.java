package io.agenthub.organizations;

import io.agenthub.tenancy.TrackedEntity;
import java.time.Instant;
import java.util.Map;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Table;

import org.hibernate.annotations.JdbcTypeCode;
import org.hibernate.type.SqlTypes;

@Entity
@Table(name = "organizations")
public class Organization extends TrackedEntity {

    @Column(columnDefinition = "text")
    public String name;
    @Column(columnDefinition = "text")
    public String slug;
    @Column(name = "external_id", columnDefinition = "text")
    public String externalId;
    @Column(columnDefinition = "text")
    public String status;
    @Column(columnDefinition = "text")
    public String plan;
    @JdbcTypeCode(SqlTypes.JSON)
    public Map<String, Object> settings;
    @Column(name = "max_users")
    public Integer maxUsers;
    @Column(name = "suspended_at")
    public Instant suspendedAt;

    public boolean isSuspended() {
        return "suspended".equals(status);
    }
}
