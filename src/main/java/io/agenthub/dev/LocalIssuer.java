package io.agenthub.dev;

import java.io.IOException;
import java.io.OutputStream;
import java.math.BigInteger;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;

import java.security.interfaces.RSAPrivateCrtKey;
import java.security.spec.PKCS8EncodedKeySpec;
import java.security.spec.RSAPublicKeySpec;
import java.time.Instant;
import java.util.Arrays;
import java.util.Base64;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.Executors;

import org.jboss.logging.Logger;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

import io.agenthub.security.Jws;

/**
 * A minimal OpenID Connect issuer for dev mode and tests: discovery document, JWKS and a token
 * endpoint that signs an RS256 access token for any local user, organisation and roles. The
 * service verifies these tokens exactly as it verifies a real provider's (discovery, signature,
 * issuer, audience, expiry), so nothing in the request path knows it runs locally.
 *
 * <pre>
 * curl -s -X POST http://127.0.0.1:8180/token -d sub=alice -d org_id=acme -d roles=owner
 * </pre>
 *
 * <p>Like {@link EmbeddedPostgres}, one issuer per JVM survives dev-mode reloads through system
 * properties.
 */
public final class LocalIssuer {

    public static final String AUDIENCE = "agent-hub";
    public static final String KEY_ID = "agent-hub-local";
    private static final String PROPERTY_PREFIX = "agenthub.local-issuer.";
    private static final Logger LOG = Logger.getLogger(LocalIssuer.class);
    private static final ObjectMapper JSON = new ObjectMapper();

    private final String url;
    private final PrivateKey privateKey;
    private final String keyId;

    private LocalIssuer(String url, PrivateKey privateKey, String keyId) {
        this.url = url;
        this.privateKey = privateKey;
        this.keyId = keyId;
    }

    public String url() {
        return url;
    }

    /** The issuer this JVM runs, with its current signing key, or null. */
    public static LocalIssuer running() {
        String url = System.getProperty(PROPERTY_PREFIX + "url");
        String key = System.getProperty(PROPERTY_PREFIX + "private-key");
        if (url == null || key == null) {
            return null;
        }
        try {
            return new LocalIssuer(url, KeyFactory.getInstance("RSA")
                    .generatePrivate(new PKCS8EncodedKeySpec(Base64.getDecoder().decode(key))),
                    System.getProperty(PROPERTY_PREFIX + "key-id", KEY_ID));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * Rotates the signing key as an identity provider does: a new key with a new id signs from now
     * on, and the JWKS publishes it beside the old ones, so tokens already issued stay valid.
     * Also {@code POST /rotate} on the issuer.
     */
    public static synchronized LocalIssuer rotate() {
        try {
            KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
            generator.initialize(2048);
            RSAPrivateCrtKey key = (RSAPrivateCrtKey) generator.generateKeyPair().getPrivate();
            String keyId = KEY_ID + "-" + UUID.randomUUID().toString().substring(0, 8);
            String published = System.getProperty(PROPERTY_PREFIX + "jwks", "");
            System.setProperty(PROPERTY_PREFIX + "jwks", published + (published.isEmpty() ? "" : ",") + JSON.writeValueAsString(jwk(key, keyId)));
            System.setProperty(PROPERTY_PREFIX + "private-key", Base64.getEncoder().encodeToString(key.getEncoded()));
            System.setProperty(PROPERTY_PREFIX + "key-id", keyId);
            LOG.infof("Local OIDC issuer now signs with key %s", keyId);
            return running();
        } catch (GeneralSecurityException | IOException e) {
            throw new IllegalStateException(e);
        }
    }

    private static Map<String, Object> jwk(RSAPrivateCrtKey key, String keyId) {
        return Map.of("kty", "RSA", "kid", keyId, "use", "sig", "alg", "RS256", "n", unsigned(key.getModulus()),
                "e", unsigned(key.getPublicExponent()));
    }

    /** Every key published so far; kept in a system property, as the tests' class loader rotates it too. */
    private static byte[] jwks() {
        return ("{\"keys\":[" + System.getProperty(PROPERTY_PREFIX + "jwks") + "]}").getBytes(StandardCharsets.UTF_8);
    }

    /**
     * Starts the issuer once per JVM. With a {@code keyDir} the signing key is kept there, so
     * dev-mode tokens outlive restarts; {@code port} 0 picks a free port, and a taken port falls
     * back to a free one.
     */
    public static synchronized LocalIssuer start(Path keyDir, int port) {
        LocalIssuer running = running();
        if (running != null) {
            return running;
        }
        try {
            KeyPair keys = loadOrCreateKeys(keyDir);
            HttpServer server = bind(port);
            String url = "http://127.0.0.1:" + server.getAddress().getPort();
            RSAPrivateCrtKey privateKey = (RSAPrivateCrtKey) keys.getPrivate();
            Map<String, Object> discovery = new LinkedHashMap<>();
            discovery.put("issuer", url);
            discovery.put("jwks_uri", url + "/jwks");
            discovery.put("token_endpoint", url + "/token");
            discovery.put("response_types_supported", List.of("token"));
            discovery.put("subject_types_supported", List.of("public"));
            discovery.put("id_token_signing_alg_values_supported", List.of("RS256"));
            System.setProperty(PROPERTY_PREFIX + "jwks", JSON.writeValueAsString(jwk(privateKey, KEY_ID)));
            LocalIssuer issuer = new LocalIssuer(url, privateKey, KEY_ID);
            server.createContext("/.well-known/openid-configuration", exchange -> respond(exchange, 200, discovery));
            server.createContext("/jwks", exchange -> respondRaw(exchange, 200, jwks()));
            server.createContext("/token", exchange -> running().token(exchange));
            server.createContext("/rotate", exchange -> {
                rotate();
                respond(exchange, 200, Map.of("kid", System.getProperty(PROPERTY_PREFIX + "key-id")));
            });
            server.setExecutor(Executors.newSingleThreadExecutor(r -> {
                Thread t = new Thread(r, "local-issuer");
                t.setDaemon(true);
                return t;
            }));
            server.start();
            System.setProperty(PROPERTY_PREFIX + "url", url);
            System.setProperty(PROPERTY_PREFIX + "private-key", Base64.getEncoder().encodeToString(privateKey.getEncoded()));
            LOG.infof("Local OIDC issuer on %s: POST %s/token -d sub=<user> -d org_id=<org> -d roles=<owner|admin|member|viewer>",
                    url, url);
            return issuer;
        } catch (IOException | GeneralSecurityException e) {
            throw new IllegalStateException("Could not start the local OIDC issuer: " + e.getMessage(), e);
        }
    }

    /** Signs an access token with standard claims plus {@code extra}; expiry relative to now. */
    public String sign(String subject, Map<String, Object> extra, long expiresInSeconds) {
        Map<String, Object> claims = new LinkedHashMap<>();
        long now = Instant.now().getEpochSecond();
        claims.put("iss", url);
        claims.put("sub", subject);
        claims.put("aud", AUDIENCE);
        claims.put("iat", now);
        claims.put("exp", now + expiresInSeconds);
        claims.put("jti", UUID.randomUUID().toString());
        claims.putAll(extra);
        return signJwt(privateKey, keyId, claims);
    }

    /** RS256 compact JWS; public so tests can sign with keys of their own (forged tokens). */
    public static String signJwt(PrivateKey key, String keyId, Map<String, Object> claims) {
        return Jws.signRs256(key, keyId, claims);
    }

    private void token(HttpExchange exchange) throws IOException {
        if (!"POST".equals(exchange.getRequestMethod())) {
            respond(exchange, 405, Map.of("error", "invalid_request", "error_description", "use POST"));
            return;
        }
        Map<String, String> form = parseForm(new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8));
        String subject = form.get("sub");
        if (subject == null || subject.isBlank()) {
            respond(exchange, 400, Map.of("error", "invalid_request", "error_description", "sub is required"));
            return;
        }
        Map<String, Object> extra = new HashMap<>();
        extra.put("org_id", form.getOrDefault("org_id", "local"));
        extra.put("roles", Arrays.stream(form.getOrDefault("roles", "member").split(",")).map(String::strip).toList());
        extra.put("email", form.getOrDefault("email", subject + "@" + extra.get("org_id") + ".local"));
        extra.put("name", form.getOrDefault("name", subject));
        long expiresIn = Long.parseLong(form.getOrDefault("expires_in", "3600"));
        respond(exchange, 200, Map.of("access_token", sign(subject, extra, expiresIn), "token_type", "Bearer",
                "expires_in", expiresIn));
    }

    /** Decodes an application/x-www-form-urlencoded body or query string. */
    public static Map<String, String> parseForm(String body) {
        Map<String, String> form = new HashMap<>();
        if (body == null) {
            return form;
        }
        for (String pair : body.split("&")) {
            int eq = pair.indexOf('=');
            if (eq > 0) {
                form.put(URLDecoder.decode(pair.substring(0, eq), StandardCharsets.UTF_8),
                        URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8));
            }
        }
        return form;
    }

    private static void respond(HttpExchange exchange, int status, Object body) throws IOException {
        respondRaw(exchange, status, JSON.writeValueAsBytes(body));
    }

    private static void respondRaw(HttpExchange exchange, int status, byte[] bytes) throws IOException {
        exchange.getResponseHeaders().set("Content-Type", "application/json");
        exchange.sendResponseHeaders(status, bytes.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(bytes);
        }
    }

    private static HttpServer bind(int port) throws IOException {
        InetAddress loopback = InetAddress.getLoopbackAddress();
        try {
            return HttpServer.create(new InetSocketAddress(loopback, port), 0);
        } catch (IOException taken) {
            LOG.warnf("Port %d is taken; the local OIDC issuer picks a free one", port);
            return HttpServer.create(new InetSocketAddress(loopback, 0), 0);
        }
    }

    private static KeyPair loadOrCreateKeys(Path keyDir) throws IOException, GeneralSecurityException {
        Path file = keyDir == null ? null : keyDir.resolve("signing-key.pk8");
        KeyFactory rsa = KeyFactory.getInstance("RSA");
        if (file != null && Files.isRegularFile(file)) {
            RSAPrivateCrtKey key = (RSAPrivateCrtKey) rsa.generatePrivate(new PKCS8EncodedKeySpec(Files.readAllBytes(file)));
            return new KeyPair(rsa.generatePublic(new RSAPublicKeySpec(key.getModulus(), key.getPublicExponent())), key);
        }
        KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
        generator.initialize(2048);
        KeyPair keys = generator.generateKeyPair();
        if (file != null) {
            Files.createDirectories(keyDir);
            Files.write(file, keys.getPrivate().getEncoded());
        }
        return keys;
    }

    private static String unsigned(BigInteger value) {
        byte[] bytes = value.toByteArray();
        if (bytes.length > 1 && bytes[0] == 0) {
            bytes = Arrays.copyOfRange(bytes, 1, bytes.length);
        }
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }
}
