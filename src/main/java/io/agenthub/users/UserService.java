package io.agenthub.users;

import io.agenthub.tenancy.Caller;
import io.agenthub.tenancy.CurrentCaller;
import io.agenthub.tenancy.Role;
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
public class UserService {

    private final TenantTransactions transactions;
    private final CurrentCaller current;
    private final UserRepository users;
    private final AuditTrail audit;

    public UserService(TenantTransactions transactions, CurrentCaller current, UserRepository users, AuditTrail audit) {
        this.transactions = transactions;
        this.current = current;
        this.users = users;
        this.audit = audit;
    }

    public Uni<Page<UserView>> list(String role, Boolean active, int limit, Cursor cursor) {
        Caller caller = current.get();
        // platform admins see every organisation through RLS; this endpoint is about the caller's own
        Keyset keyset = Keyset.oldestFirst("organizationId = :org", Parameters.with("org", caller.organizationId()));
        if (role != null) {
            keyset.and("role = :role", "role", role);
        }
        if (active != null) {
            keyset.and("active = :active", "active", active);
        }
        return transactions.inTransaction(() -> keyset.page(users, cursor, limit, u -> u.createdAt, u -> u.id, u -> UserView.of(u, null)));
    }

    public Uni<UserView> get(UUID id) {
        Caller caller = current.get();
        return transactions.inTransaction(() -> find(caller, id).map(u -> UserView.of(u, null)));
    }

    public Uni<UserView> update(UUID id, UpdateUserRequest request) {
        Caller caller = current.get();
        return transactions.inTransaction(() -> find(caller, id).chain(user -> {
            Role before = Role.of(user.role);
            Role after = request.role() == null ? before : Role.of(request.role());
            boolean deactivating = Boolean.FALSE.equals(request.active()) && user.active;
            boolean reactivating = Boolean.TRUE.equals(request.active()) && !user.active;
            if ((before == Role.OWNER || after == Role.OWNER) && before != after && caller.role() != Role.OWNER) {
                throw ApiException.forbidden("Only an owner can grant or take away the owner role.");
            }
            if (before == Role.OWNER && (deactivating || reactivating) && caller.role() != Role.OWNER) {
                throw ApiException.forbidden("Only an owner can deactivate or reactivate an owner.");
            }
            Uni<Void> guard = before == Role.OWNER && user.active && (after != Role.OWNER || deactivating)
                    ? users.lockOtherActiveOwners(caller.organizationId(), id).invoke(others -> {
                        if (others == 0) {
                            throw ApiException.conflict("The last owner of an organization cannot be demoted or deactivated.");
                        }
                    }).replaceWithVoid()
                    : reactivating ? users.lockSeats(caller.organizationId()).invoke(seats -> {
                        if (seats.full()) {
                            throw ApiException.conflict("The organisation has reached its limit of " + seats.max()
                                    + " active users; raise it or deactivate someone first.");
                        }
                    }).replaceWithVoid()
                    : Uni.createFrom().voidItem();
            return guard.chain(() -> {
                Map<String, Object> changes = new LinkedHashMap<>();
                if (after != before) {
                    changes.put("role", Map.of("from", before.value(), "to", after.value()));
                    user.role = after.value();
                }
                if (request.active() != null && request.active() != user.active) {
                    changes.put("active", Map.of("from", user.active, "to", request.active()));
                    user.active = request.active();
                    user.deactivatedAt = request.active() ? null : Instant.now();
                }
                if (request.displayName() != null && !request.displayName().equals(user.displayName)) {
                    changes.put("displayName", Map.of("to", request.displayName()));
                    user.displayName = request.displayName();
                }
                if (changes.isEmpty()) {
                    return Uni.createFrom().item(UserView.of(user, null));
                }
                return users.flush()
                        .chain(() -> audit.record(deactivating ? "user.deactivate" : "user.update", "user", user.id, changes))
                        .replaceWith(() -> UserView.of(user, null));
            });
        }));
    }

    private Uni<User> find(Caller caller, UUID id) {
        return users.find("id = ?1 and organizationId = ?2", id, caller.organizationId()).firstResult()
                .onItem().ifNull().failWith(() -> ApiException.notFound("User"));
    }
}
