package io.agenthub.keys;

import java.time.Instant;
import java.util.UUID;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Table;

import io.agenthub.tenancy.TrackedEntity;

/** A user's API key, known by its digest only. */
@Entity
@Table(name = "api_keys")
public class ApiKey extends TrackedEntity {

    @Column(name = "organization_id")
    public UUID organizationId;
    @Column(name = "user_id")
    public UUID userId;
    @Column(columnDefinition = "text")
    public String name;
    @Column(columnDefinition = "text")
    public String prefix;
    @Column(name = "key_digest")
    public byte[] keyDigest;
    @Column(name = "expires_at")
    public Instant expiresAt;
    @Column(name = "last_used_at", insertable = false, updatable = false)
    public Instant lastUsedAt;
    @Column(name = "revoked_at")
    public Instant revokedAt;
}
