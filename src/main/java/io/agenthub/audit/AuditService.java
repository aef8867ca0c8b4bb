package io.agenthub.audit;

import jakarta.enterprise.context.ApplicationScoped;

import io.agenthub.audit.AuditRepositories.AdminAuditLogRepository;
import io.agenthub.audit.AuditRepositories.AuditLogRepository;
import io.agenthub.tenancy.Caller;
import io.agenthub.tenancy.CurrentCaller;
import io.agenthub.tenancy.Role;
import io.agenthub.tenancy.TenantTransactions;
import io.agenthub.web.ApiException;
import io.agenthub.web.Cursor;
import io.agenthub.web.Page;
import io.quarkus.panache.common.Parameters;
import io.quarkus.panache.common.Sort;
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
        if (!caller.platformAdmin()) {
            caller.requireRole(Role.ADMIN);
        }
        Filter f = new Filter();
        if (!caller.platformAdmin()) {
            f.add("organizationId = :org", "org", caller.organizationId());
        } else if (q.organizationId != null) {
            f.add("organizationId = :org", "org", q.organizationId);
        }
        if (q.actor != null) {
            f.add("actorUserId = :actor", "actor", q.actor);
        }
        if (q.resourceType != null) {
            f.add("resourceType = :type", "type", q.resourceType);
        }
        if (q.resourceId != null) {
            f.add("resourceId = :rid", "rid", q.resourceId);
        }
        common(f, q);
        int limit = q.page.limit();
        return transactions.inTransaction(() -> logs.find(f.query(), Sort.descending("createdAt", "id"), f.params)
                .page(0, limit + 1).list()
                .map(rows -> Page.of(rows, limit, e -> new Cursor(e.createdAt, e.id), AuditLogView::of)));
    }

    public Uni<Page<AdminAuditLogView>> adminAuditLog(AuditQuery q) {
        current.get().requirePlatformAdmin();
        Filter f = new Filter();
        if (q.actor != null) {
            f.add("adminUserId = :actor", "actor", q.actor);
        }
        if (q.organizationId != null) {
            f.add("targetOrganizationId = :org", "org", q.organizationId);
        }
        if (q.resourceType != null) {
            f.add("targetType = :type", "type", q.resourceType);
        }
        if (q.resourceId != null) {
            f.add("targetId = :rid", "rid", q.resourceId);
        }
        common(f, q);
        int limit = q.page.limit();
        return transactions.inTransaction(() -> adminLogs.find(f.query(), Sort.descending("createdAt", "id"), f.params)
                .page(0, limit + 1).list()
                .map(rows -> Page.of(rows, limit, e -> new Cursor(e.createdAt, e.id), AdminAuditLogView::of)));
    }

    private static void common(Filter f, AuditQuery q) {
        if (q.action != null) {
            // "user" matches user.update, user.deactivate, ...; "user.update" matches exactly
            if (q.action.contains(".")) {
                f.add("action = :action", "action", q.action);
            } else {
                f.add("action like :action", "action", q.action + ".%");
            }
        }
        if (q.from != null && q.to != null && !q.from.isBefore(q.to)) {
            throw ApiException.invalidField("from", "must be before 'to'");
        }
        if (q.from != null) {
            f.add("createdAt >= :from", "from", q.from);
        }
        if (q.to != null) {
            f.add("createdAt < :to", "to", q.to);
        }
        Cursor cursor = q.page.cursor();
        if (cursor != null) {
            f.query.append(" and ").append(Cursor.BEFORE);
            f.params = cursor.bind(f.params);
        }
    }

    private static final class Filter {
        private final StringBuilder query = new StringBuilder("1 = 1");
        private Parameters params = new Parameters();

        void add(String clause, String name, Object value) {
            query.append(" and ").append(clause);
            params = params.and(name, value);
        }

        String query() {
            return query.toString();
        }
    }
}
