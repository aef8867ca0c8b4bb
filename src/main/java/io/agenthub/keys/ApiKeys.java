package io.agenthub.keys;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.regex.Pattern;

/** What an API key looks like: {@code ahk_} and 256 random bits in base64url; stored as its SHA-256. */
public final class ApiKeys {

    public static final String PREFIX = "ahk_";
    /** Set on an identity that signed in with a key. */
    static final String SIGNED_IN_WITH_KEY = "agent-hub.signed-in-with-api-key";
    private static final Pattern SHAPE = Pattern.compile("ahk_[A-Za-z0-9_-]{43}");

    private ApiKeys() {
    }

    /** A credential that is meant to be a key (and so is never handed to the OIDC verifier). */
    public static boolean looksLikeKey(String credential) {
        return credential != null && credential.startsWith(PREFIX);
    }

    public static boolean wellFormed(String credential) {
        return SHAPE.matcher(credential).matches();
    }

    public static byte[] digest(String key) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(key.getBytes(StandardCharsets.US_ASCII));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
