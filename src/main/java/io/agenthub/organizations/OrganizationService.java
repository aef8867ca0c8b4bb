package io.agenthub.organizations;

import io.agenthub.tenancy.Caller;
import io.agenthub.tenancy.CurrentCaller;
import io.agenthub.tenancy.TenantTransactions;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;

import io.agenthub.audit.AuditTrail;
import io.agenthub.web.ApiException;
import io.agenthub.web.Cursor;
import io.agenthub.web.Keyset;
import io.agenthub.web.Page;
import io.quarkus.panache.common.Parameters;
import io.smallrye.mutiny.Uni;

@ApplicationScoped
public class OrganizationService {

    private final TenantTransactions transactions;
    private final CurrentCaller current;
    private final OrganizationRepository organizations;
    private final AuditTrail audit;

    public OrganizationService(TenantTransactions transactions, CurrentCaller current, OrganizationRepository organizations,
            AuditTrail audit) {
        this.transactions = transactions;
        this.current = current;
        this.organizations = organizations;
        this.audit = audit;
    }

    public Uni<OrganizationView> current() {
        Caller caller = current.get();
        return transactions.inTransaction(() -> organizations.findById(caller.organizationId()).map(OrganizationView::of));
    }

    public Uni<OrganizationView> updateCurrent(UpdateOrganizationRequest request) {
        Caller caller = current.get();
        return transactions.inTransaction(() -> organizations.findById(caller.organizationId()).chain(org -> {
            Map<String, Object> changes = new LinkedHashMap<>();
            if (request.name() != null && !request.name().equals(org.name)) {
                changes.put("name", Map.of("from", org.name, "to", request.name()));
                org.name = request.name();
            }
            if (request.settings() != null && !request.settings().equals(org.settings)) {
                changes.put("settings", Map.of("keys", request.settings().keySet()));
                org.settings = request.settings();
            }
            if (request.maxUsers() != null && !request.maxUsers().equals(org.maxUsers)) {
                changes.put("maxUsers", Map.of("to", request.maxUsers()));
                org.maxUsers = request.maxUsers();
            }
            if (changes.isEmpty()) {
                return Uni.createFrom().item(OrganizationView.of(org));
            }
            return organizations.flush()
                    .chain(() -> audit.record("organization.update", "organization", org.id, changes))
                    .replaceWith(() -> OrganizationView.of(org));
        }));
    }

    public Uni<Page<OrganizationView>> list(String status, int limit, Cursor cursor) {
        Keyset keyset = Keyset.oldestFirst("1 = 1", new Parameters());
        if (status != null) {
            keyset.and("status = :status", "status", status);
        }
        return transactions.inTransaction(() -> keyset.page(organizations, cursor, limit, o -> o.createdAt, o -> o.id,
                OrganizationView::of));
    }

    public Uni<OrganizationView> get(UUID id) {
        return transactions.inTransaction(() -> organizations.findById(id)
                .onItem().ifNull().failWith(() -> ApiException.notFound("Organization"))
                .map(OrganizationView::of));
    }

    public Uni<OrganizationView> create(CreateOrganizationRequest request) {
        Caller caller = current.get();
        Organization org = new Organization();
        org.name = request.name();
        org.slug = request.slug();
        org.externalId = request.externalId();
        org.plan = request.plan() == null ? "free" : request.plan();
        org.status = "active";
        org.settings = Map.of();
        return transactions.inTransaction(() -> organizations.count("slug = ?1 or (externalId is not null and externalId = ?2)",
                org.slug, org.externalId == null ? "" : org.externalId)
                .chain(taken -> taken > 0
                        ? Uni.createFrom().failure(ApiException.conflict("An organization with this slug or external id exists."))
                        : organizations.persistAndFlush(org))
                .chain(() -> audit.recordAdmin(caller.userId(), org.id, "organization.create", "organization", org.id,
                        Map.of("slug", org.slug, "plan", org.plan)))
                .replaceWith(() -> OrganizationView.of(org)));
    }

    public Uni<OrganizationView> setSuspended(UUID id, boolean suspend, String reason) {
        Caller caller = current.get();
        return transactions.inTransaction(() -> organizations.findById(id)
                .onItem().ifNull().failWith(() -> ApiException.notFound("Organization"))
                .chain(org -> {
                    if (org.isSuspended() == suspend) {
                        return Uni.createFrom().item(OrganizationView.of(org));
                    }
                    org.status = suspend ? "suspended" : "active";
                    org.suspendedAt = suspend ? Instant.now() : null;
                    Map<String, Object> details = new LinkedHashMap<>();
                    if (reason != null) {
                        details.put("reason", reason);
                    }
                    return organizations.flush()
                            .chain(() -> audit.recordAdmin(caller.userId(), org.id,
                                    suspend ? "organization.suspend" : "organization.reactivate", "organization", org.id, details))
                            .replaceWith(() -> OrganizationView.of(org));
                }));
    }
}
