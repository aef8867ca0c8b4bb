package io.agenthub.audit;

import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;

import io.quarkus.hibernate.reactive.panache.PanacheRepositoryBase;

final class AuditRepositories {

    private AuditRepositories() {
    }

    @ApplicationScoped
    static class AuditLogRepository implements PanacheRepositoryBase<AuditLogEntry, UUID> {
    }

    @ApplicationScoped
    static class AdminAuditLogRepository implements PanacheRepositoryBase<AdminAuditLogEntry, UUID> {
    }
}
