package io.agenthub.audit;

import jakarta.enterprise.context.ApplicationScoped;

import io.agenthub.tenancy.Caller;
import io.agenthub.tenancy.CurrentCaller;
import io.agenthub.tenancy.TenantTransactions;
import io.agenthub.web.ApiException;
import io.agenthub.web.Keyset;
import io.agenthub.web.Page;
import io.quarkus.panache.common.Parameters;
import io.smallrye.mutiny.Uni;

/** Reading the audit trail, newest first. */
@ApplicationScoped
public class AuditService {

    private final TenantTransactions transactions;
    private final CurrentCaller current;
    private final AuditLogRepository logs;
    private final AdminAuditLogRepository adminLogs;

    public AuditService(TenantTransactions transactions, CurrentCaller current, AuditLogRepository logs,
            AdminAuditLogRepository adminLogs) {
        this.transactions = transactions;
        this.current = current;
        this.logs = logs;
        this.adminLogs = adminLogs;
    }

    public Uni<Page<AuditLogView>> auditLogs(AuditQuery q) {
        Caller caller = current.get();
        Keyset f = Keyset.newestFirst("1 = 1", new Parameters());
        if (!caller.platformAdmin()) {
            f.and("organizationId = :org", "org", caller.organizationId());
        } else if (q.organizationId != null) {
            f.and("organizationId = :org", "org", q.organizationId);
        }
        if (q.actor != null) {
            f.and("actorUserId = :actor", "actor", q.actor);
        }
        if (q.resourceType != null) {
            f.and("resourceType = :type", "type", q.resourceType);
        }
        if (q.resourceId != null) {
            f.and("resourceId = :rid", "rid", q.resourceId);
        }
        common(f, q);
        int limit = q.page.limit();
        return transactions.inTransaction(() -> f.page(logs, q.page.cursor(), limit, e -> e.createdAt, e -> e.id, AuditLogView::of));
    }

    public Uni<Page<AdminAuditLogView>> adminAuditLog(AuditQuery q) {
        Keyset f = Keyset.newestFirst("1 = 1", new Parameters());
        if (q.actor != null) {
            f.and("adminUserId = :actor", "actor", q.actor);
        }
        if (q.organizationId != null) {
            f.and("targetOrganizationId = :org", "org", q.organizationId);
        }
        if (q.resourceType != null) {
            f.and("targetType = :type", "type", q.resourceType);
        }
        if (q.resourceId != null) {
            f.and("targetId = :rid", "rid", q.resourceId);
        }
        common(f, q);
        int limit = q.page.limit();
        return transactions.inTransaction(() -> f.page(adminLogs, q.page.cursor(), limit, e -> e.createdAt, e -> e.id,
                AdminAuditLogView::of));
    }

    private static void common(Keyset f, AuditQuery q) {
        if (q.action != null) {
            // "user" matches user.update, user.deactivate, ...; "user.update" matches exactly
            if (q.action.contains(".")) {
                f.and("action = :action", "action", q.action);
            } else {
                f.and("action like :action", "action", q.action + ".%");
            }
        }
        if (q.from != null && q.to != null && !q.from.isBefore(q.to)) {
            throw ApiException.invalidField("from", "must be before 'to'");
        }
        if (q.from != null) {
            f.and("createdAt >= :from", "from", q.from);
        }
        if (q.to != null) {
            f.and("createdAt < :to", "to", q.to);
        }
    }
}
