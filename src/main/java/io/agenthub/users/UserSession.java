package io.agenthub.users;

import io.agenthub.tenancy.TrackedEntity;
import java.time.Instant;
import java.util.Map;
import java.util.UUID;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Table;

import org.hibernate.annotations.ColumnTransformer;
import org.hibernate.annotations.JdbcTypeCode;
import org.hibernate.type.SqlTypes;

@Entity
@Table(name = "user_sessions")
public class UserSession extends TrackedEntity {

    @Column(name = "user_id")
    public UUID userId;
    @Column(name = "organization_id")
    public UUID organizationId;
    @Column(name = "session_key", columnDefinition = "text")
    public String sessionKey;
    @JdbcTypeCode(SqlTypes.JSON)
    @Column(name = "workspace_context")
    public Map<String, Object> workspaceContext;
    @ColumnTransformer(read = "host(ip_address)")
    @Column(name = "ip_address", insertable = false, updatable = false, columnDefinition = "inet")
    public String ipAddress;
    @Column(name = "user_agent", columnDefinition = "text")
    public String userAgent;
    @Column(name = "last_seen_at")
    public Instant lastSeenAt;
    @Column(name = "expires_at")
    public Instant expiresAt;
    @Column(name = "revoked_at")
    public Instant revokedAt;
}
