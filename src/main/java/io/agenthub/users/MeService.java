package io.agenthub.users;

import io.agenthub.organizations.OrganizationView;
import io.agenthub.tenancy.Caller;
import io.agenthub.tenancy.CurrentCaller;
import io.agenthub.tenancy.Sql;
import io.agenthub.tenancy.TenantTransactions;
import java.time.Instant;
import java.util.Map;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;

import io.agenthub.audit.AuditTrail;
import io.agenthub.web.ApiException;
import io.agenthub.web.Cursor;
import io.agenthub.web.Keyset;
import io.agenthub.web.Page;
import io.agenthub.web.SqlValues;
import io.quarkus.panache.common.Parameters;
import io.smallrye.mutiny.Uni;

@ApplicationScoped
public class MeService {

    private static final String ME = """
            SELECT u.id, u.oidc_subject, u.email, u.display_name, u.role::text, u.is_active, u.last_login_at, u.created_at,
                   o.id, o.name, o.slug, o.external_id, o.status::text, o.plan::text, o.settings, o.max_users,
                   o.suspended_at, o.created_at, o.updated_at
            FROM users u JOIN organizations o ON o.id = u.organization_id
            WHERE u.id = $1""";

    private final TenantTransactions transactions;
    private final CurrentCaller current;
    private final UserSessionRepository sessions;
    private final AuditTrail audit;

    public MeService(TenantTransactions transactions, CurrentCaller current, UserSessionRepository sessions, AuditTrail audit) {
        this.transactions = transactions;
        this.current = current;
        this.sessions = sessions;
        this.audit = audit;
    }

    /** The caller's user and organisation in one statement: this is the most frequent read of all. */
    public Uni<MeView> me() {
        Caller caller = current.get();
        return transactions.inTransaction(() -> Sql.row(ME, caller.userId()))
                .onItem().ifNull().failWith(() -> ApiException.notFound("User"))
                .map(r -> new MeView(
                        new UserView((UUID) r[0], (String) r[1], (String) r[2], (String) r[3], (String) r[4], (Boolean) r[5],
                                caller.platformAdmin(), SqlValues.instant(r[6]), SqlValues.instant(r[7])),
                        new OrganizationView((UUID) r[8], (String) r[9], (String) r[10], (String) r[11], (String) r[12],
                                (String) r[13], SqlValues.map(r[14]), (Integer) r[15], SqlValues.instant(r[16]),
                                SqlValues.instant(r[17]), SqlValues.instant(r[18]))));
    }

    public Uni<Page<SessionView>> sessions(int limit, Cursor cursor) {
        Caller caller = current.get();
        return transactions.inTransaction(() -> Keyset.newestFirst("userId = :user", Parameters.with("user", caller.userId()))
                .page(sessions, cursor, limit, s -> s.createdAt, s -> s.id, s -> SessionView.of(s, caller.sessionId())));
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
