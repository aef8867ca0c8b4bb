package io.agenthub.tenancy;

import java.time.Instant;
import java.util.Map;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;

import io.agenthub.audit.AuditTrail;
import io.agenthub.web.ApiException;
import io.agenthub.web.Cursor;
import io.agenthub.web.Page;
import io.quarkus.panache.common.Parameters;
import io.quarkus.panache.common.Sort;
import io.smallrye.mutiny.Uni;

@ApplicationScoped
public class MeService {

    private final TenantTransactions transactions;
    private final CurrentCaller current;
    private final UserRepository users;
    private final OrganizationRepository organizations;
    private final UserSessionRepository sessions;
    private final AuditTrail audit;

    public MeService(TenantTransactions transactions, CurrentCaller current, UserRepository users,
            OrganizationRepository organizations, UserSessionRepository sessions, AuditTrail audit) {
        this.transactions = transactions;
        this.current = current;
        this.users = users;
        this.organizations = organizations;
        this.sessions = sessions;
        this.audit = audit;
    }

    public Uni<MeView> me() {
        Caller caller = current.get();
        return transactions.inTransaction(() -> users.findById(caller.userId())
                .chain(user -> organizations.findById(caller.organizationId())
                        .map(org -> new MeView(UserView.of(user, caller.platformAdmin()), OrganizationView.of(org)))));
    }

    public Uni<Page<SessionView>> sessions(int limit, Cursor cursor) {
        Caller caller = current.get();
        String query = "userId = :user" + (cursor == null ? "" : " and " + Cursor.BEFORE);
        Parameters params = Parameters.with("user", caller.userId());
        Parameters bound = cursor == null ? params : cursor.bind(params);
        return transactions.inTransaction(() -> sessions.find(query, Sort.descending("createdAt", "id"), bound)
                .page(0, limit + 1).list()
                .map(rows -> Page.of(rows, limit, s -> new Cursor(s.createdAt, s.id), s -> SessionView.of(s, caller.sessionId()))));
    }

    public Uni<Void> revokeSession(UUID id) {
        Caller caller = current.get();
        return transactions.inTransaction(() -> sessions.findById(id)
                .onItem().ifNull().failWith(() -> ApiException.notFound("Session"))
                .chain(session -> {
                    if (session.revokedAt != null) {
                        return Uni.createFrom().voidItem();
                    }
                    session.revokedAt = Instant.now();
                    return audit.record("session.revoke", "user_session", id, Map.of("current", id.equals(caller.sessionId())));
                }));
    }
}
