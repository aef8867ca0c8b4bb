package io.agenthub.security;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PrivateKey;
import java.security.Signature;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.Base64;
import java.util.Map;

import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * RS256 compact JWS, the one signer of the service: Google service-account assertions, and the
 * local issuer's tokens in dev and test. Verification stays with quarkus-oidc.
 */
public final class Jws {

    private static final ObjectMapper JSON = new ObjectMapper();

    private Jws() {
    }

    public static String signRs256(PrivateKey key, String keyId, Map<String, Object> claims) {
        try {
            Base64.Encoder b64 = Base64.getUrlEncoder().withoutPadding();
            Map<String, Object> header = keyId == null ? Map.of("alg", "RS256", "typ", "JWT")
                    : Map.of("alg", "RS256", "typ", "JWT", "kid", keyId);
            String signingInput = b64.encodeToString(JSON.writeValueAsBytes(header)) + "."
                    + b64.encodeToString(JSON.writeValueAsBytes(claims));
            Signature signature = Signature.getInstance("SHA256withRSA");
            signature.initSign(key);
            signature.update(signingInput.getBytes(StandardCharsets.US_ASCII));
            return signingInput + "." + b64.encodeToString(signature.sign());
        } catch (IOException | GeneralSecurityException e) {
            throw new IllegalStateException("could not sign a JWT: " + e.getMessage(), e);
        }
    }

    /** An RSA private key from PKCS#8 PEM ("-----BEGIN PRIVATE KEY-----"), the form Google's key files use. */
    public static PrivateKey rsaPrivateKey(String pem) {
        String base64 = pem.replace("-----BEGIN PRIVATE KEY-----", "").replace("-----END PRIVATE KEY-----", "")
                .replaceAll("\\s", "");
        try {
            return KeyFactory.getInstance("RSA").generatePrivate(new PKCS8EncodedKeySpec(Base64.getDecoder().decode(base64)));
        } catch (IllegalArgumentException | GeneralSecurityException e) {
            throw new IllegalArgumentException("not an RSA private key in PKCS#8 PEM form");
        }
    }
}
