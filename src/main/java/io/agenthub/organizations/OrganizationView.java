package io.agenthub.organizations;

import java.time.Instant;
import java.util.Map;
import java.util.UUID;

public record OrganizationView(UUID id, String name, String slug, String externalId, String status, String plan,
        Map<String, Object> settings, Integer maxUsers, Instant suspendedAt, Instant createdAt, Instant updatedAt) {

    static OrganizationView of(Organization org) {
        return new OrganizationView(org.id, org.name, org.slug, org.externalId, org.status, org.plan, org.settings, org.maxUsers,
                org.suspendedAt, org.createdAt, org.updatedAt);
    }
}
