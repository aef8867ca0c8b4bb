package io.agenthub.tenancy;

import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;

import jakarta.enterprise.context.ApplicationScoped;

import io.agenthub.audit.AuditTrail;
import io.agenthub.security.AuthFailures;
import io.agenthub.tenancy.CallerService.Login;
import io.agenthub.web.ApiException;
import io.smallrye.mutiny.Uni;

/**
 * First sign-in: a subject the database does not know becomes a user of the organisation its token
 * names (the first one its owner), and that organisation is created when the configuration allows
 * it; subjects the configuration names become platform admins. Every step is idempotent, so two
 * first requests of the same subject at once end in one user.
 */
@ApplicationScoped
public class CallerProvisioning {

    private final TenancyConfig config;
    private final AuditTrail audit;

    public CallerProvisioning(TenancyConfig config, AuditTrail audit) {
        this.config = config;
        this.audit = audit;
    }

    /** Creates the user of an unknown subject and, when allowed, their organisation; inside a system transaction. */
    Uni<Void> provision(Login login) {
        String external = login.organizationClaim();
        if (external == null || external.isBlank() || external.length() > 255) {
            return Uni.createFrom().failure(ApiException.forbidden("The token names no organisation (claim '"
                    + config.organizationClaim() + "').").asAuthFailure(AuthFailures.NO_ORGANISATION));
        }
        return findOrganization(external)
                .chain(orgId -> orgId != null ? Uni.createFrom().item(orgId) : createOrganization(login, external))
                // the organisation's row locked first: two first sign-ins at once are counted one after the other
                .chain(orgId -> Sql.row("""
                        SELECT o.max_users, (SELECT count(*) FROM users u WHERE u.organization_id = o.id),
                               (SELECT count(*) FROM users u WHERE u.organization_id = o.id AND u.is_active)
                        FROM organizations o WHERE o.id = $1 FOR UPDATE OF o""", orgId).chain(members -> {
                    long all = ((Number) members[1]).longValue();
                    if (members[0] != null && ((Number) members[2]).longValue() >= ((Number) members[0]).longValue()) {
                        String detail = "Your organisation has reached its limit of " + members[0] + " users; ask an owner to "
                                + "raise it or deactivate someone.";
                        throw ApiException.forbidden(detail).withCode("organization_full", detail);
                    }
                    // the first user of an organisation owns it; later ones get their token's role
                    Role role = all == 0 ? Role.OWNER : Role.strongest(login.roles(), Role.MEMBER);
                    return Sql.update("""
                            INSERT INTO users (id, organization_id, oidc_subject, email, display_name, role, last_login_at)
                            VALUES ($1, $2, $3, $4::text, $5::text, $6, now())
                            ON CONFLICT (oidc_subject) DO NOTHING""",
                            UUID.randomUUID(), orgId, login.subject(), login.validEmail(), truncate(login.name(), 200), role.value())
                            .chain(inserted -> inserted == 0 ? Uni.createFrom().voidItem()
                                    : audit.recordFor(orgId, "user.provision", "user", login.subject(), Map.of("role", role.value())));
                }))
                .replaceWithVoid();
    }

    private Uni<UUID> findOrganization(String external) {
        return Sql.row("SELECT id FROM organizations WHERE external_id = $1", external).map(row -> row == null ? null : (UUID) row[0]);
    }

    private Uni<UUID> createOrganization(Login login, String external) {
        // configured platform admins bootstrap their own organisation, or nobody could ever register one
        if (!config.autoCreateOrganizations() && !config.platformAdminSubjects().orElse(List.of()).contains(login.subject())) {
            return Uni.createFrom().failure(ApiException.forbidden("Your organisation is not registered with Agent Hub."));
        }
        String base = slug(external);
        return insertOrganization(login, external, base)
                .chain(id -> id != null ? Uni.createFrom().item(id)
                        // the slug belongs to another organisation: disambiguate
                        : insertOrganization(login, external,
                                base.substring(0, Math.min(base.length(), 55)) + "-"
                                        + Integer.toHexString(ThreadLocalRandom.current().nextInt(0x100000, 0xffffff))))
                .chain(id -> id != null ? Uni.createFrom().item(id) : findOrganization(external))
                .chain(id -> id == null ? Uni.createFrom().failure(ApiException.conflict("The organisation could not be created."))
                        : audit.recordFor(id, "organization.create", "organization", id, Map.of("externalId", external, "reason", "first sign-in")).replaceWith(id));
    }

    private Uni<UUID> insertOrganization(Login login, String external, String slug) {
        return Sql.row("INSERT INTO organizations (name, slug, external_id) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING RETURNING id",
                truncate(login.organizationName() != null ? login.organizationName() : external, 200), slug, external)
                .map(row -> row == null ? null : (UUID) row[0]);
    }


    static String slug(String value) {
        String slug = value.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9]+", "-").replaceAll("^-+|-+$", "");
        if (slug.isEmpty()) {
            slug = "org";
        }
        return slug.length() > 63 ? slug.substring(0, 63).replaceAll("-+$", "") : slug;
    }

    private static String truncate(String value, int max) {
        return value == null ? null : value.substring(0, Math.min(value.length(), max));
    }

    Uni<Void> grantPlatformAdmin(UUID userId) {
        return Sql.update("""
                INSERT INTO platform_admins (user_id, notes) VALUES ($1, 'granted by configuration')
                ON CONFLICT (user_id) DO NOTHING""", userId).replaceWithVoid();
    }
}
