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
 * protocols: metadata documents (RFC 8414, RFC 9728), dynamic registration (RFC 7591), single-use
 * codes bound to a PKCE S256 challenge, rotating refresh tokens that reject reuse with
 * invalid_grant, and revocation (RFC 7009).
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
    private final Map<String, Map<String, String>> codes = new ConcurrentHashMap<>();
    private final Map<String, String> refreshTokens = new ConcurrentHashMap<>();
    private final Set<String> revoked = ConcurrentHashMap.newKeySet();
    private final AtomicInteger tokenCounter = new AtomicInteger();
    public final AtomicInteger refreshCalls = new AtomicInteger();
    public final AtomicInteger registrations = new AtomicInteger();
    public volatile long expiresIn = 3600;
    public volatile long refreshDelayMs = 0;
    public volatile boolean malformedMetadata = false;
    /** The token endpoint drops every connection without answering: the authorization server is down. */
    public volatile boolean tokenEndpointDown = false;

    /** Both servers on free ports; MCP configurations name them, so the service needs no configuration. */
    @Override
    public Map<String, String> start() {
        if (running.updateAndGet(current -> current != null ? current : this) != this) {
            return Map.of();
        }
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
            json(ex, 200, Map.of("issuer", issuer, "authorization_endpoint", issuer + "/authorize", "token_endpoint", issuer + "/token",
                    "registration_endpoint", issuer + "/register", "revocation_endpoint", issuer + "/revoke",
                    "code_challenge_methods_supported", List.of("S256"), "grant_types_supported",
                    List.of("authorization_code", "refresh_token"), "response_types_supported", List.of("code")));
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
        return Map.of();
    }

    /** What a user approving the consent screen gets: the code the server redirects back with. */
    public String approve(String authorizationUrl) {
        Map<String, String> q = query(URI.create(authorizationUrl).getRawQuery());
        if (!"code".equals(q.get("response_type")) || !"S256".equals(q.get("code_challenge_method"))
                || !clients.containsKey(q.getOrDefault("client_id", "")) || q.get("code_challenge") == null) {
            throw new IllegalArgumentException("invalid authorization request: " + q);
        }
        String code = "code-" + tokenCounter.incrementAndGet() + "-" + System.nanoTime();
        codes.put(code, q);
        return code;
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
                if (client == null || !client.equals(form.get("client_id"))) {
                    json(ex, 400, Map.of("error", "invalid_grant", "error_description", "refresh token unknown or reused"));
                    return;
                }
                issue(ex, client, "files:read");
            }
            default -> json(ex, 400, Map.of("error", "unsupported_grant_type"));
        }
    }

    private void issue(HttpExchange ex, String clientId, String scope) throws IOException {
        int n = tokenCounter.incrementAndGet();
        String access = "fake-access-" + n + "-" + Long.toHexString(System.nanoTime());
        String refresh = "fake-refresh-" + n + "-" + Long.toHexString(System.nanoTime());
        refreshTokens.put(refresh, clientId);
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
