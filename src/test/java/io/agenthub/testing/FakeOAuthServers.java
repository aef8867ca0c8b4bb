package io.agenthub.testing;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

import com.fasterxml.jackson.databind.ObjectMapper;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

import io.agenthub.dev.LocalIssuer;
import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;

/**
 * A local OAuth 2.1 authorization server and an MCP resource server that speak the real wire
 * protocols: metadata documents (RFC 8414, RFC 9728), dynamic registration (RFC 7591), client ID
 * metadata documents (fetched over TLS from the client's URL and validated, as the draft asks),
 * pre-registered confidential clients (HTTP Basic), single-use codes bound to a PKCE S256
 * challenge, rotating refresh tokens that reject reuse with invalid_grant, and revocation
 * (RFC 7009). Which ways of being a client it offers is switchable, as real servers differ. It
 * also gives the service its HTTPS port (a self-signed certificate made with keytool), so its
 * client metadata document is served over real TLS.
 */
public final class FakeOAuthServers implements QuarkusTestResourceLifecycleManager {

    private static final ObjectMapper JSON = new ObjectMapper();
    /** The one running pair: the integration-test launcher starts a global resource more than once. */
    private static final AtomicReference<FakeOAuthServers> running = new AtomicReference<>();

    private HttpServer authServer;
    private HttpServer mcpServer;
    public volatile String issuer;
    public volatile String mcpUrl;

    private final Map<String, String> clients = new ConcurrentHashMap<>();
    /** Secrets of the clients an administrator registered; they authenticate with HTTP Basic. */
    private final Map<String, String> secrets = new ConcurrentHashMap<>();
    /** Offers dynamic client registration (the default), accepts client metadata documents. */
    public volatile boolean offersRegistration = true;
    public volatile boolean acceptsMetadataDocuments = false;
    /** Says it names itself in authorization responses (RFC 9207 authorization_response_iss_parameter_supported). */
    public volatile boolean namesIssuerInResponses = false;
    /** A strict server: a document's redirect URIs must share the client id's origin (as the draft lets servers demand). */
    public volatile boolean sameOriginRedirectsOnly = false;
    /** The client metadata documents fetched, as fetched. */
    public final List<Map<String, Object>> documentsFetched = new java.util.concurrent.CopyOnWriteArrayList<>();
    private Map<String, String> config = Map.of();
    private javax.net.ssl.SSLContext trust;
    private final Map<String, Map<String, String>> codes = new ConcurrentHashMap<>();
    private final Map<String, String> refreshTokens = new ConcurrentHashMap<>();
    /** The scope each refresh token was granted: a refresh keeps it, as real servers do. */
    private final Map<String, String> refreshScopes = new ConcurrentHashMap<>();
    private final Set<String> revoked = ConcurrentHashMap.newKeySet();
    private final AtomicInteger tokenCounter = new AtomicInteger();
    public final AtomicInteger refreshCalls = new AtomicInteger();
    public final AtomicInteger registrations = new AtomicInteger();
    public volatile long expiresIn = 3600;
    public volatile long refreshDelayMs = 0;
    public volatile boolean malformedMetadata = false;
    /** The token endpoint drops every connection without answering: the authorization server is down. */
    public volatile boolean tokenEndpointDown = false;

    /**
     * Both servers on free ports; MCP configurations name them. The service gets an HTTPS port with
     * a certificate this server trusts, and its public URL on it.
     */
    @Override
    public Map<String, String> start() {
        FakeOAuthServers first = running.updateAndGet(current -> current != null ? current : this);
        if (first != this) {
            return first.config;
        }
        config = tls();
        InetAddress loopback = InetAddress.getLoopbackAddress();
        try {
            authServer = HttpServer.create(new InetSocketAddress(loopback, 0), 0);
            mcpServer = HttpServer.create(new InetSocketAddress(loopback, 0), 0);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        issuer = "http://127.0.0.1:" + authServer.getAddress().getPort();
        String mcpOrigin = "http://127.0.0.1:" + mcpServer.getAddress().getPort();
        mcpUrl = mcpOrigin + "/mcp";

        authServer.createContext("/.well-known/oauth-authorization-server", ex -> {
            if (malformedMetadata) {
                json(ex, 200, Map.of("issuer", issuer, "authorization_endpoint", "not a url"));
                return;
            }
            Map<String, Object> metadata = new HashMap<>(Map.of("issuer", issuer, "authorization_endpoint", issuer + "/authorize",
                    "token_endpoint", issuer + "/token", "revocation_endpoint", issuer + "/revoke",
                    "code_challenge_methods_supported", List.of("S256"), "grant_types_supported",
                    List.of("authorization_code", "refresh_token"), "response_types_supported", List.of("code"),
                    "token_endpoint_auth_methods_supported", List.of("none", "client_secret_basic")));
            if (offersRegistration) {
                metadata.put("registration_endpoint", issuer + "/register");
            }
            if (acceptsMetadataDocuments) {
                metadata.put("client_id_metadata_document_supported", true);
            }
            if (namesIssuerInResponses) {
                metadata.put("authorization_response_iss_parameter_supported", true);
            }
            json(ex, 200, metadata);
        });
        authServer.createContext("/register", this::register);
        authServer.createContext("/token", this::token);
        authServer.createContext("/revoke", this::revoke);
        mcpServer.createContext("/mcp", ex -> {
            ex.getResponseHeaders().set("WWW-Authenticate",
                    "Bearer resource_metadata=\"" + mcpOrigin + "/.well-known/oauth-protected-resource/mcp\"");
            json(ex, 401, Map.of("error", "invalid_token"));
        });
        mcpServer.createContext("/.well-known/oauth-protected-resource", ex -> json(ex, 200, Map.of(
                "resource", mcpUrl, "authorization_servers", List.of(issuer), "scopes_supported", List.of("files:read"),
                "bearer_methods_supported", List.of("header"))));
        for (HttpServer server : List.of(authServer, mcpServer)) {
            server.setExecutor(Executors.newFixedThreadPool(8));
            server.start();
        }
        return config;
    }

    /**
     * A keystore with a self-signed certificate for localhost, made by the JDK's keytool, that the
     * service serves HTTPS with and this server trusts.
     */
    private Map<String, String> tls() {
        try {
            java.nio.file.Path dir = java.nio.file.Files.createTempDirectory("agent-hub-tls");
            java.nio.file.Path keystore = dir.resolve("localhost.p12");
            String password = "test-only-" + Long.toHexString(System.nanoTime());
            Process keytool = new ProcessBuilder(java.nio.file.Path.of(System.getProperty("java.home"), "bin", "keytool").toString(),
                    "-genkeypair", "-alias", "localhost", "-keyalg", "EC", "-groupname", "secp256r1", "-validity", "2",
                    "-dname", "CN=localhost", "-ext", "SAN=dns:localhost,ip:127.0.0.1", "-storetype", "PKCS12",
                    "-keystore", keystore.toString(), "-storepass", password, "-keypass", password)
                    .redirectErrorStream(true).start();
            String output = new String(keytool.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (keytool.waitFor() != 0) {
                throw new IllegalStateException("keytool failed: " + output);
            }
            java.security.KeyStore store = java.security.KeyStore.getInstance("PKCS12");
            try (var in = java.nio.file.Files.newInputStream(keystore)) {
                store.load(in, password.toCharArray());
            }
            javax.net.ssl.TrustManagerFactory trusted = javax.net.ssl.TrustManagerFactory.getInstance(
                    javax.net.ssl.TrustManagerFactory.getDefaultAlgorithm());
            trusted.init(store);
            trust = javax.net.ssl.SSLContext.getInstance("TLS");
            trust.init(null, trusted.getTrustManagers(), null);
            int port;
            try (java.net.ServerSocket free = new java.net.ServerSocket(0, 0, InetAddress.getLoopbackAddress())) {
                port = free.getLocalPort();
            }
            return Map.of("quarkus.http.ssl-port", String.valueOf(port), "quarkus.http.test-ssl-port", String.valueOf(port),
                    "quarkus.http.ssl.certificate.key-store-file", keystore.toString(),
                    "quarkus.http.ssl.certificate.key-store-password", password,
                    "agent-hub.oauth.public-url", "https://localhost:" + port,
                    // the fakes listen on 127.0.0.1 only; every other loopback address stays refused
                    "agent-hub.outbound.allow", "127.0.0.1",
                    "agent-hub.outbound.deadline", "PT4S");
        } catch (IOException | InterruptedException | java.security.GeneralSecurityException e) {
            throw new IllegalStateException("Could not make the test TLS certificate", e);
        }
    }

    /** The service's HTTPS port. */
    public int httpsPort() {
        return Integer.parseInt(running.get().config.get("quarkus.http.ssl-port"));
    }

    /** Back to a server that offers registration only, as the tests before each other expect it. */
    public void reset() {
        offersRegistration = true;
        acceptsMetadataDocuments = false;
        sameOriginRedirectsOnly = false;
        namesIssuerInResponses = false;
        documentsFetched.clear();
    }

    /** A client an administrator registered with this server by hand. */
    public void preRegister(String clientId, String secret) {
        clients.put(clientId, "");
        secrets.put(clientId, secret);
    }

    /**
     * What a user approving the consent screen gets: the code the server redirects back with. A
     * client id that is an https URL is a client metadata document, fetched and validated first; a
     * refusal is an IllegalArgumentException with the OAuth error, as the server's error page says it.
     */
    public String approve(String authorizationUrl) {
        Map<String, String> q = query(URI.create(authorizationUrl).getRawQuery());
        String clientId = q.getOrDefault("client_id", "");
        if (clientId.startsWith("https://")) {
            if (!acceptsMetadataDocuments) {
                throw new IllegalArgumentException("invalid_client: client metadata documents are not accepted here");
            }
            clients.put(clientId, validDocument(clientId, q.get("redirect_uri")));
        }
        if (!"code".equals(q.get("response_type")) || !"S256".equals(q.get("code_challenge_method"))
                || !clients.containsKey(clientId) || q.get("code_challenge") == null) {
            throw new IllegalArgumentException("invalid authorization request: " + q);
        }
        String code = "code-" + tokenCounter.incrementAndGet() + "-" + System.nanoTime();
        codes.put(code, q);
        return code;
    }

    /** Fetches a client metadata document over TLS and checks it as the draft asks; answers the redirect URI it allows. */
    private String validDocument(String clientId, String redirectUri) {
        Map<String, Object> document;
        try {
            java.net.http.HttpResponse<String> response = java.net.http.HttpClient.newBuilder().sslContext(trust)
                    .connectTimeout(java.time.Duration.ofSeconds(5)).build()
                    .send(java.net.http.HttpRequest.newBuilder(URI.create(clientId)).timeout(java.time.Duration.ofSeconds(5))
                            .header("Accept", "application/json").build(), java.net.http.HttpResponse.BodyHandlers.ofString());
            if (response.statusCode() != 200) {
                throw new IllegalArgumentException("invalid_client: the client metadata document answered HTTP " + response.statusCode());
            }
            document = JSON.readValue(response.body(), Map.class);
        } catch (IOException e) {
            throw new IllegalArgumentException("invalid_client: the client metadata document could not be fetched: " + e, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
        documentsFetched.add(document);
        if (!clientId.equals(document.get("client_id"))) {
            throw new IllegalArgumentException("invalid_client: the document's client_id is not the URL it was fetched from");
        }
        if (document.containsKey("client_secret") || String.valueOf(document.get("token_endpoint_auth_method")).startsWith("client_secret")) {
            throw new IllegalArgumentException("invalid_client: a client metadata document's client has no shared secret");
        }
        if (!(document.get("redirect_uris") instanceof List<?> uris) || !uris.contains(redirectUri)) {
            throw new IllegalArgumentException("invalid_request: redirect_uri " + redirectUri + " is not in the client metadata document");
        }
        URI client = URI.create(clientId);
        URI redirect = URI.create(redirectUri);
        if (sameOriginRedirectsOnly && !(client.getScheme().equals(redirect.getScheme()) && client.getHost().equals(redirect.getHost())
                && client.getPort() == redirect.getPort())) {
            throw new IllegalArgumentException("invalid_request: redirect_uri " + redirectUri + " does not share the origin of client_id "
                    + clientId);
        }
        return redirectUri;
    }

    public Set<String> revoked() {
        return revoked;
    }

    /** Forgets every registered client, as a server that lost its registrations or expires them. */
    public void forgetClients() {
        clients.clear();
    }

    /** Makes every live refresh token invalid, as when a user withdraws consent at the provider. */
    public void withdrawConsent() {
        refreshTokens.clear();
    }

    private void register(HttpExchange ex) throws IOException {
        Map<?, ?> request = JSON.readValue(ex.getRequestBody(), Map.class);
        if (!offersRegistration) {
            json(ex, 404, Map.of("error", "not_found"));
            return;
        }
        if (!(request.get("redirect_uris") instanceof List<?> uris) || uris.isEmpty()) {
            json(ex, 400, Map.of("error", "invalid_redirect_uri"));
            return;
        }
        registrations.incrementAndGet();
        String clientId = "client-" + registrations.get();
        clients.put(clientId, String.valueOf(uris.get(0)));
        json(ex, 201, Map.of("client_id", clientId, "redirect_uris", uris, "token_endpoint_auth_method", "none"));
    }

    private void token(HttpExchange ex) throws IOException {
        if (tokenEndpointDown) {
            ex.close();
            return;
        }
        Map<String, String> form = query(new String(ex.getRequestBody().readAllBytes(), StandardCharsets.UTF_8));
        if (!clients.containsKey(form.getOrDefault("client_id", ""))) {
            json(ex, 401, Map.of("error", "invalid_client", "error_description", "unknown client"));
            return;
        }
        String secret = secrets.get(form.get("client_id"));
        String basic = ex.getRequestHeaders().getFirst("Authorization");
        if (secret != null && !("Basic " + Base64.getEncoder().encodeToString((enc(form.get("client_id")) + ":" + enc(secret))
                .getBytes(StandardCharsets.UTF_8))).equals(basic)) {
            json(ex, 401, Map.of("error", "invalid_client", "error_description", "client authentication failed"));
            return;
        }
        switch (form.getOrDefault("grant_type", "")) {
            case "authorization_code" -> {
                Map<String, String> grant = codes.remove(form.getOrDefault("code", ""));
                if (grant == null || !grant.get("client_id").equals(form.get("client_id"))
                        || !grant.get("redirect_uri").equals(form.get("redirect_uri"))
                        || !challenge(form.getOrDefault("code_verifier", "")).equals(grant.get("code_challenge"))
                        || !String.valueOf(grant.get("resource")).equals(String.valueOf(form.get("resource")))) {
                    json(ex, 400, Map.of("error", "invalid_grant", "error_description", "code, client, redirect or PKCE mismatch"));
                    return;
                }
                issue(ex, form.get("client_id"), grant.getOrDefault("scope", "files:read"));
            }
            case "refresh_token" -> {
                refreshCalls.incrementAndGet();
                sleep(refreshDelayMs);
                String client = refreshTokens.remove(form.getOrDefault("refresh_token", ""));
                String granted = refreshScopes.remove(form.getOrDefault("refresh_token", ""));
                if (client == null || !client.equals(form.get("client_id"))) {
                    json(ex, 400, Map.of("error", "invalid_grant", "error_description", "refresh token unknown or reused"));
                    return;
                }
                issue(ex, client, granted == null ? "files:read" : granted);
            }
            default -> json(ex, 400, Map.of("error", "unsupported_grant_type"));
        }
    }

    private void issue(HttpExchange ex, String clientId, String scope) throws IOException {
        int n = tokenCounter.incrementAndGet();
        String access = "fake-access-" + n + "-" + Long.toHexString(System.nanoTime());
        String refresh = "fake-refresh-" + n + "-" + Long.toHexString(System.nanoTime());
        refreshTokens.put(refresh, clientId);
        refreshScopes.put(refresh, scope);
        Map<String, Object> body = new HashMap<>();
        body.put("access_token", access);
        body.put("refresh_token", refresh);
        body.put("token_type", "bearer");
        body.put("expires_in", expiresIn);
        body.put("scope", scope);
        json(ex, 200, body);
    }

    private void revoke(HttpExchange ex) throws IOException {
        Map<String, String> form = query(new String(ex.getRequestBody().readAllBytes(), StandardCharsets.UTF_8));
        String token = form.get("token");
        if (token != null) {
            revoked.add(token);
            refreshTokens.remove(token);
        }
        ex.sendResponseHeaders(200, -1);
        ex.close();
    }

    private static String enc(String value) {
        return java.net.URLEncoder.encode(value, StandardCharsets.UTF_8);
    }

    static String challenge(String verifier) {
        try {
            return Base64.getUrlEncoder().withoutPadding()
                    .encodeToString(MessageDigest.getInstance("SHA-256").digest(verifier.getBytes(StandardCharsets.US_ASCII)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    public static Map<String, String> query(String raw) {
        return LocalIssuer.parseForm(raw);
    }

    private static void json(HttpExchange ex, int status, Object body) throws IOException {
        byte[] bytes = JSON.writeValueAsBytes(body);
        ex.getResponseHeaders().set("Content-Type", "application/json");
        ex.sendResponseHeaders(status, bytes.length);
        try (OutputStream out = ex.getResponseBody()) {
            out.write(bytes);
        }
    }

    private static void sleep(long ms) {
        if (ms > 0) {
            try {
                Thread.sleep(ms);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    @Override
    public void stop() {
        if (running.compareAndSet(this, null)) {
            authServer.stop(0);
            mcpServer.stop(0);
        }
    }

    @Override
    public void inject(TestInjector injector) {
        injector.injectIntoFields(running.get(), new TestInjector.AnnotatedAndMatchesType(InjectFake.class, FakeOAuthServers.class));
    }
}
