package io.agenthub.users;

import io.agenthub.tenancy.TrackedEntity;
import java.time.Instant;
import java.util.UUID;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Table;

@Entity
@Table(name = "users")
public class User extends TrackedEntity {

    @Column(name = "organization_id")
    public UUID organizationId;
    @Column(name = "oidc_subject", columnDefinition = "text")
    public String oidcSubject;
    @Column(columnDefinition = "text")
    public String email;
    @Column(name = "display_name", columnDefinition = "text")
    public String displayName;
    @Column(columnDefinition = "text")
    public String role;
    @Column(name = "is_active")
    public boolean active;
    @Column(name = "last_login_at")
    public Instant lastLoginAt;
    @Column(name = "deactivated_at")
    public Instant deactivatedAt;
}
