package io.agenthub.security;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import jakarta.enterprise.context.ApplicationScoped;

import org.jboss.logging.Logger;
import org.jose4j.jwt.consumer.ErrorCodes;
import org.jose4j.jwt.consumer.InvalidJwtException;
import org.jose4j.lang.UnresolvableKeyException;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.agenthub.web.Causes;
import io.quarkus.security.UnauthorizedException;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonObject;

/**
 * Every refused sign-in, by reason: logged (never with the token) so an operator can tell an
 * expired token from a misconfigured audience or a rotated key, and counted as
 * {@code agent_hub_auth_failures_total{reason}}. Clients all get the same answer.
 */
@ApplicationScoped
public class AuthFailures {

    public static final String MISSING = "missing";
    public static final String MALFORMED = "malformed";
    public static final String EXPIRED = "expired";
    public static final String SIGNATURE = "signature";
    public static final String AUDIENCE = "audience";
    public static final String ISSUER = "issuer";
    public static final String UNKNOWN_KEY = "unknown_key";
    public static final String REVOKED_SESSION = "revoked_session";
    public static final String NO_ORGANISATION = "no_organisation";
    public static final String ORGANISATION_MISMATCH = "organisation_mismatch";
    /** An API key that is unknown, expired or revoked. */
    public static final String API_KEY = "api_key";
    public static final String OTHER = "other";
    static final List<String> REASONS = List.of(MISSING, MALFORMED, EXPIRED, SIGNATURE, AUDIENCE, ISSUER, UNKNOWN_KEY,
            REVOKED_SESSION, NO_ORGANISATION, ORGANISATION_MISMATCH, API_KEY, OTHER);

    private static final Logger LOG = Logger.getLogger(AuthFailures.class);

    private final Map<String, Counter> counters = new HashMap<>();

    public AuthFailures(MeterRegistry meters) {
        // every reason from the start, so the first failure after a start shows in rate() and increase()
        for (String reason : REASONS) {
            counters.put(reason, Counter.builder("agent_hub_auth_failures")
                    .description("Requests refused at sign-in, by reason").tag("reason", reason).register(meters));
        }
    }

    public void record(String reason, String requestId, String address) {
        counters.getOrDefault(reason, counters.get(OTHER)).increment();
        LOG.infof("Sign-in refused (%s) for request %s from %s", reason, requestId, address);
    }

    /**
     * Why the token of a failed authentication was refused, from the verifier's exception, and
     * when that says nothing (no key to verify with, or not a token at all) from the token's header.
     */
    public static String reasonOf(Throwable failure, String authorization) {
        for (Throwable t = failure; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof UnresolvableKeyException) {
                return UNKNOWN_KEY;
            }
            if (t instanceof InvalidJwtException jwt) {
                if (jwt.hasExpired()) {
                    return EXPIRED;
                }
                if (jwt.hasErrorCode(ErrorCodes.AUDIENCE_INVALID) || jwt.hasErrorCode(ErrorCodes.AUDIENCE_MISSING)) {
                    return AUDIENCE;
                }
                if (jwt.hasErrorCode(ErrorCodes.ISSUER_INVALID) || jwt.hasErrorCode(ErrorCodes.ISSUER_MISSING)) {
                    return ISSUER;
                }
                if (jwt.hasErrorCode(ErrorCodes.SIGNATURE_INVALID)) {
                    return SIGNATURE;
                }
                if (Causes.find(jwt, UnresolvableKeyException.class) != null) {
                    return UNKNOWN_KEY;
                }
                return MALFORMED;
            }
        }
        if (failure instanceof UnauthorizedException || authorization == null) {
            return MISSING;
        }
        return namesAKey(authorization) ? UNKNOWN_KEY : MALFORMED;
    }

    /** A compact JWS whose header names a key id: well formed, but signed with a key the issuer does not publish. */
    private static boolean namesAKey(String authorization) {
        String token = authorization.regionMatches(true, 0, "Bearer ", 0, 7) ? authorization.substring(7).strip() : authorization;
        int dot = token.indexOf('.');
        if (dot <= 0 || token.indexOf('.', dot + 1) < 0) {
            return false;
        }
        try {
            JsonObject header = new JsonObject(new String(Base64.getUrlDecoder().decode(token.substring(0, dot)), StandardCharsets.UTF_8));
            return header.getValue("kid") instanceof String kid && !kid.isBlank();
        } catch (IllegalArgumentException | DecodeException e) {
            return false;
        }
    }
}
