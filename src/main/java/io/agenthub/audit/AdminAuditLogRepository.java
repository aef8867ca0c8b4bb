package io.agenthub.audit;

import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;

import io.quarkus.hibernate.reactive.panache.PanacheRepositoryBase;

@ApplicationScoped
class AdminAuditLogRepository implements PanacheRepositoryBase<AdminAuditLogEntry, UUID> {
}
