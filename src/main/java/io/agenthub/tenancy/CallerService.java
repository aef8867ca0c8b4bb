package io.agenthub.tenancy;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.HexFormat;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.regex.Pattern;

import jakarta.enterprise.context.ApplicationScoped;

import org.eclipse.microprofile.jwt.JsonWebToken;

import io.agenthub.security.AuthFailures;
import io.agenthub.web.ApiException;
import io.agenthub.web.RequestInfo;
import io.agenthub.web.SqlValues;
import io.quarkus.hibernate.reactive.panache.Panache;
import io.smallrye.mutiny.Uni;

/**
 * Turns a verified token into a {@link Caller} on every request: one read of the user, their
 * organisation and the login session, refusing deactivated users, suspended organisations and
 * revoked sessions, and recording the session when it needs it. A subject seen for the first time
 * is handed to {@link CallerProvisioning}, in the system context because no caller exists yet.
 */
@ApplicationScoped
public class CallerService {

    private static final Pattern EMAIL = Pattern.compile("^[^@\\s]+@[^@\\s]+$");

    /**
     * The user, their organisation and this login's session row, in one statement outside any
     * transaction (V2__caller_lookup.sql). A session seen within the last minute from the same
     * address, agent and workspace needs no write: most requests then cost the database this one
     * read, and a revoked session is still refused at once.
     */
    private static final String FIND = "SELECT * FROM app_find_caller($1, $2, $3, $4, $5, $6)";

    private static final String TOUCH = """
            WITH touched AS (
                UPDATE users SET last_login_at = now(), email = COALESCE($3::text, email)
                WHERE id = $1 AND (last_login_at IS NULL OR last_login_at < now() - interval '1 minute'
                                   OR email IS DISTINCT FROM COALESCE($3::text, email))
                RETURNING id)
            INSERT INTO user_sessions (user_id, organization_id, session_key, workspace_context, ip_address, user_agent, expires_at)
            VALUES ($1, $2, $4, COALESCE(CAST($5::text AS jsonb), '{}'::jsonb), CAST($6::text AS inet), $7::text, $8)
            ON CONFLICT (user_id, session_key) DO UPDATE
                SET last_seen_at = now(),
                    workspace_context = COALESCE(CAST($5::text AS jsonb), user_sessions.workspace_context),
                    ip_address = EXCLUDED.ip_address,
                    user_agent = EXCLUDED.user_agent,
                    expires_at = GREATEST(user_sessions.expires_at, EXCLUDED.expires_at)
            RETURNING id, revoked_at IS NOT NULL""";

    private final TenantTransactions transactions;
    private final TenancyConfig config;
    private final RequestInfo request;
    private final CallerProvisioning provisioning;

    public CallerService(TenantTransactions transactions, TenancyConfig config, RequestInfo request, CallerProvisioning provisioning) {
        this.transactions = transactions;
        this.config = config;
        this.request = request;
        this.provisioning = provisioning;
    }

    /** Token facts the caller is resolved from. */
    public record Login(String subject, String issuer, String organizationClaim, String organizationName, String email,
            String name, Set<String> roles, String sessionId, Long authenticatedAt, Long issuedAt, Long expiresAt,
            String workspaceContext) {

        public static Login of(JsonWebToken jwt, Set<String> roles, TenancyConfig config, String workspaceContext) {
            Object org = jwt.getClaim(config.organizationClaim());
            Object orgName = jwt.getClaim(config.organizationNameClaim());
            Object sid = jwt.getClaim("sid");
            Object name = jwt.getClaim("name");
            Object authTime = jwt.getClaim("auth_time");
            return new Login(jwt.getSubject(), jwt.getIssuer(), org == null ? null : unquote(org), orgName == null ? null : unquote(orgName),
                    jwt.getClaim("email") == null ? null : unquote(jwt.getClaim("email")), name == null ? null : unquote(name),
                    roles, sid == null ? null : unquote(sid),
                    authTime instanceof Number n ? Long.valueOf(n.longValue()) : null,
                    jwt.getIssuedAtTime() == 0 ? null : jwt.getIssuedAtTime(),
                    jwt.getExpirationTime() == 0 ? null : jwt.getExpirationTime(), workspaceContext);
        }

        /** The token's email when it looks like one; anything else is not stored. */
        String validEmail() {
            return email != null && email.length() <= 320 && EMAIL.matcher(email).matches() ? email : null;
        }

        private static String unquote(Object claim) {
            String s = claim.toString();
            return s.length() >= 2 && s.startsWith("\"") && s.endsWith("\"") ? s.substring(1, s.length() - 1) : s;
        }
    }

    public Uni<Caller> resolve(Login login) {
        if (login.subject() == null || login.subject().isBlank() || login.subject().length() > 255) {
            return Uni.createFrom().failure(ApiException.unauthorized("The token has no usable subject.")
                    .asAuthFailure(AuthFailures.MALFORMED));
        }
        return Panache.withSession(() -> find(login)).chain(found -> found != null && found.sessionFresh()
                && !found.needsPlatformAdmin(config, login)
                        ? admit(found, login)
                        : transactions.asSystem(() -> (found != null ? Uni.createFrom().item(found)
                                : provisioning.provision(login).chain(() -> find(login)))
                                .chain(provisioned -> bootstrapPlatformAdmin(provisioned, login))
                                .chain(provisioned -> admit(provisioned, login))));
    }

    /**
     * The caller behind an API key (its SHA-256), with the checks a token's caller gets: the key
     * neither revoked nor expired, the user active, the organisation not suspended. Read on every
     * request, so a revocation counts from the next one on every replica. An API key has no login
     * session.
     */
    public Uni<Caller> resolveKey(byte[] digest) {
        return Panache.withSession(() -> Sql.row("SELECT * FROM app_find_api_key($1)", io.vertx.core.buffer.Buffer.buffer(digest))).map(row -> {
            if (row == null || row[9] != null || (row[8] != null && !SqlValues.instant(row[8]).isAfter(Instant.now()))) {
                throw ApiException.unauthorized("The API key is unknown, expired or revoked.").asAuthFailure(AuthFailures.API_KEY);
            }
            if (!(Boolean) row[5]) {
                throw ApiException.forbidden("Your account is deactivated.");
            }
            boolean platformAdmin = (Boolean) row[7];
            if ("suspended".equals(row[6]) && !platformAdmin) {
                throw ApiException.forbidden("Your organisation is suspended.");
            }
            return new Caller((UUID) row[1], (UUID) row[2], (String) row[3], Role.of((String) row[4]), platformAdmin, null);
        });
    }

    /** {@code sessionId} is null until this login has a session row; {@code sessionFresh}: it needs no refresh. */
    private record Found(UUID userId, UUID orgId, Role role, boolean active, boolean orgSuspended, boolean platformAdmin,
            UUID sessionId, boolean sessionRevoked, boolean sessionFresh, String orgExternalId) {

        /** A subject the configuration names as platform admin who is not one yet. */
        boolean needsPlatformAdmin(TenancyConfig config, Login login) {
            return !platformAdmin && config.platformAdminSubjects().orElse(List.of()).contains(login.subject());
        }

        Found asPlatformAdmin() {
            return new Found(userId, orgId, role, active, orgSuspended, true, sessionId, sessionRevoked, sessionFresh, orgExternalId);
        }
    }

    private Uni<Found> find(Login login) {
        return Sql.row(FIND, login.subject(), sessionKey(login), expires(login), request.ipAddress(), request.userAgent(),
                login.workspaceContext()).map(row -> row == null ? null : toFound(row));
    }

    private static Found toFound(Object[] row) {
        return new Found((UUID) row[0], (UUID) row[1], Role.of((String) row[2]), (Boolean) row[3], "suspended".equals(row[4]),
                (Boolean) row[5], (UUID) row[6], Boolean.TRUE.equals(row[7]), Boolean.TRUE.equals(row[8]), (String) row[9]);
    }

    private OffsetDateTime expires(Login login) {
        Instant expires = login.expiresAt() != null && login.expiresAt() > Instant.now().getEpochSecond()
                ? Instant.ofEpochSecond(login.expiresAt())
                : Instant.now().plus(config.sessionTtl());
        return expires.atOffset(ZoneOffset.UTC);
    }

    private Uni<Found> bootstrapPlatformAdmin(Found found, Login login) {
        return found.needsPlatformAdmin(config, login)
                ? provisioning.grantPlatformAdmin(found.userId()).replaceWith(found.asPlatformAdmin())
                : Uni.createFrom().item(found);
    }

    private Uni<Caller> admit(Found found, Login login) {
        if (!found.active()) {
            return Uni.createFrom().failure(ApiException.forbidden("Your account is deactivated."));
        }
        // a user belongs to one organisation: a token naming another is not served as a member of this one
        if (login.organizationClaim() != null && found.orgExternalId() != null
                && !login.organizationClaim().equals(found.orgExternalId())) {
            String detail = "The token names organisation '" + abbreviate(login.organizationClaim())
                    + "', but this account belongs to another organisation.";
            return Uni.createFrom().failure(ApiException.forbidden(detail).withCode("organization_mismatch", detail)
                    .asAuthFailure(AuthFailures.ORGANISATION_MISMATCH));
        }
        if (found.orgSuspended() && !found.platformAdmin()) {
            return Uni.createFrom().failure(ApiException.forbidden("Your organisation is suspended."));
        }
        if (found.sessionId() != null && found.sessionRevoked()) {
            return Uni.createFrom().failure(revoked());
        }
        if (found.sessionId() != null && found.sessionFresh()) {
            return Uni.createFrom().item(new Caller(found.userId(), found.orgId(), login.subject(), found.role(), found.platformAdmin(),
                    found.sessionId()));
        }
        return Sql.row(TOUCH, found.userId(), found.orgId(), login.validEmail(), sessionKey(login), login.workspaceContext(),
                request.ipAddress(), request.userAgent(), expires(login))
                .map(row -> {
                    if ((Boolean) row[1]) {
                        throw revoked();
                    }
                    return new Caller(found.userId(), found.orgId(), login.subject(), found.role(), found.platformAdmin(),
                            (UUID) row[0]);
                });
    }

    /**
     * The login a token belongs to, as stable as the token allows: its session id; else the moment
     * the user authenticated ({@code auth_time}, which refreshed tokens keep); else, for providers
     * that say neither, the token's own issue time, so a revocation then refuses only the tokens
     * issued before it (the README asks for {@code sid} in access tokens).
     */
    static String sessionKey(Login login) {
        if (login.sessionId() != null && !login.sessionId().isBlank() && login.sessionId().length() <= 200) {
            return "sid:" + login.sessionId();
        }
        boolean authenticated = login.authenticatedAt() != null;
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest((login.issuer() + "\n" + login.subject() + "\n"
                    + (authenticated ? login.authenticatedAt() : login.issuedAt())).getBytes(StandardCharsets.UTF_8));
            return (authenticated ? "auth:" : "iat:") + HexFormat.of().formatHex(digest, 0, 16);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String abbreviate(String claim) {
        return claim.length() > 64 ? claim.substring(0, 64) + "..." : claim;
    }

    private static ApiException revoked() {
        return ApiException.unauthorized("This session has been revoked; sign in again.").asAuthFailure(AuthFailures.REVOKED_SESSION);
    }
}
