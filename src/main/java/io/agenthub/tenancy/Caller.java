package io.agenthub.tenancy;

import java.util.UUID;

import io.agenthub.web.ApiException;

/** The verified, provisioned user behind a request. */
public record Caller(UUID userId, UUID organizationId, String subject, Role role, boolean platformAdmin, UUID sessionId) {

    public void requireRole(Role minimum) {
        if (!role.atLeast(minimum)) {
            throw ApiException.forbidden("This needs the " + minimum.value() + " role or stronger.");
        }
    }

    public void requirePlatformAdmin() {
        if (!platformAdmin) {
            throw ApiException.forbidden("This needs a platform administrator.");
        }
    }

    public boolean isOrgAdmin() {
        return role.atLeast(Role.ADMIN);
    }
}
