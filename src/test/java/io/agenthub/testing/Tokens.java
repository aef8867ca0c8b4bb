package io.agenthub.testing;

import java.security.KeyPairGenerator;
import java.security.NoSuchAlgorithmException;
import java.security.PrivateKey;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import io.agenthub.dev.LocalIssuer;

/** Really signed access tokens from the local test issuer, and the broken kinds a client might send. */
public final class Tokens {

    private static PrivateKey otherKey;

    private Tokens() {
    }

    private static LocalIssuer issuer() {
        LocalIssuer issuer = LocalIssuer.running();
        if (issuer == null) {
            throw new IllegalStateException("the local issuer is not running; is this a @QuarkusTest?");
        }
        return issuer;
    }

    /** A valid token for {@code subject} in organisation {@code org} with the given role claims. */
    public static String token(String subject, String org, String... roles) {
        return issuer().sign(subject, claims(org, roles), 600);
    }

    /** A valid token that expires {@code seconds} from now. */
    public static String expiringIn(long seconds, String subject, String org, String... roles) {
        return issuer().sign(subject, claims(org, roles), seconds);
    }

    public static String expired(String subject, String org, String... roles) {
        return issuer().sign(subject, claims(org, roles), -120);
    }

    /** Well-formed and claiming the right issuer and key id, but signed with another key. */
    public static String forged(String subject, String org, String... roles) {
        return LocalIssuer.signJwt(otherKey(), LocalIssuer.KEY_ID, standard(issuer().url(), LocalIssuer.AUDIENCE, subject, org, roles));
    }

    /** Signed with a key the issuer never published, under a key id it does not know (another realm's). */
    public static String unknownKey(String subject, String org, String... roles) {
        return LocalIssuer.signJwt(otherKey(), "another-realm-key", standard(issuer().url(), LocalIssuer.AUDIENCE, subject, org, roles));
    }

    public static String wrongIssuer(String subject, String org, String... roles) {
        return issuer().sign(subject, Map.of("iss", "https://evil.example", "org_id", org, "roles", List.of(roles)), 600);
    }

    public static String wrongAudience(String subject, String org, String... roles) {
        return issuer().sign(subject, Map.of("aud", "another-service", "org_id", org, "roles", List.of(roles)), 600);
    }

    /** A token with arbitrary extra claims (e.g. a session id). */
    public static String withClaims(String subject, Map<String, Object> claims) {
        return issuer().sign(subject, claims, 600);
    }

    /** A unique name, so tests never share organisations or users by accident. */
    public static String unique(String prefix) {
        return prefix + "-" + UUID.randomUUID().toString().substring(0, 8);
    }

    private static Map<String, Object> claims(String org, String... roles) {
        Map<String, Object> claims = new LinkedHashMap<>();
        claims.put("org_id", org);
        claims.put("roles", List.of(roles));
        return claims;
    }

    private static Map<String, Object> standard(String iss, String aud, String subject, String org, String... roles) {
        long now = Instant.now().getEpochSecond();
        Map<String, Object> claims = new LinkedHashMap<>();
        claims.put("iss", iss);
        claims.put("sub", subject);
        claims.put("aud", aud);
        claims.put("iat", now);
        claims.put("exp", now + 600);
        claims.putAll(claims(org, roles));
        return claims;
    }

    private static synchronized PrivateKey otherKey() {
        if (otherKey == null) {
            try {
                KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
                generator.initialize(2048);
                otherKey = generator.generateKeyPair().getPrivate();
            } catch (NoSuchAlgorithmException e) {
                throw new IllegalStateException(e);
            }
        }
        return otherKey;
    }
}
