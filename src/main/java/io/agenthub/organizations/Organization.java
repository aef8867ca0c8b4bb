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

    public boolean isSuspended() {
        return "suspended".equals(status);
    }
}
