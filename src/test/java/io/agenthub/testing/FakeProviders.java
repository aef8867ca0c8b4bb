package io.agenthub.testing;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.NoSuchAlgorithmException;
import java.security.PublicKey;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedDeque;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

import io.agenthub.dev.SimulatedTools;
import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;

/**
 * Local OpenRouter and Vertex AI servers speaking their real JSON formats, with scripted
 * failures: tests queue responses (status, body, headers, delay) and read the requests received.
 */
public final class FakeProviders implements QuarkusTestResourceLifecycleManager {

    private static final ObjectMapper JSON = new ObjectMapper();
    /**
     * The one running instance: the integration-test launcher starts a global resource more than
     * once, and the service and the tests must all see the same server.
     */
    private static final AtomicReference<FakeProviders> running = new AtomicReference<>();
    private String key;
    private HttpServer server;
    private String url;
    /** How many next OpenRouter health probes fail. */
    public volatile int probeFailures;
    public final List<JsonNode> openRouterRequests = new CopyOnWriteArrayList<>();
    public final List<JsonNode> vertexRequests = new CopyOnWriteArrayList<>();
    public final List<String> vertexPaths = new CopyOnWriteArrayList<>();
    /** Google's token endpoint: the service-account public key it verifies assertions with, and what it saw. */
    public volatile PublicKey serviceAccountKey;
    public volatile boolean rejectAssertions;
    public final List<Map<String, Object>> assertions = new CopyOnWriteArrayList<>();
    public final List<String> vertexTokens = new CopyOnWriteArrayList<>();
    private final java.util.Set<String> issuedTokens = java.util.concurrent.ConcurrentHashMap.newKeySet();
    private final ConcurrentLinkedDeque<Scripted> openRouterScript = new ConcurrentLinkedDeque<>();
    private final ConcurrentLinkedDeque<Scripted> vertexScript = new ConcurrentLinkedDeque<>();

    /** A scripted server-sent event stream: raw events (without the blank line), a gap between them, optionally a stall. */
    public record ScriptedStream(List<String> events, long gapMs, long stallAfterMs) {
    }

    private final ConcurrentLinkedDeque<ScriptedStream> streamScript = new ConcurrentLinkedDeque<>();

    public void scriptStream(ScriptedStream stream) {
        streamScript.add(stream);
    }

    private final AtomicInteger openStreams = new AtomicInteger();
    /** The most streams this server held open at once since the last reset. */
    public final AtomicInteger mostOpenStreams = new AtomicInteger();
    private volatile CountDownLatch streamGate;

    /** Streams start answering only once {@code count} of them are open at once (or after 10 s). */
    public void holdStreamsUntil(int count) {
        streamGate = new CountDownLatch(count);
    }

    /** One scripted answer; when the script is empty, a normal reply is sent. */
    public record Scripted(int status, Object body, Map<String, String> headers, long delayMs) {
        public static Scripted error(int status, Object body) {
            return new Scripted(status, body, Map.of(), 0);
        }

        /** An OpenRouter chat completion answering {@code content}, sent after {@code delayMs}. */
        public static Scripted reply(String content, int promptTokens, int completionTokens, long delayMs) {
            return new Scripted(200, Map.of("choices", List.of(Map.of("index", 0, "finish_reason", "stop",
                    "message", Map.of("role", "assistant", "content", content))),
                    "usage", Map.of("prompt_tokens", promptTokens, "completion_tokens", completionTokens)), Map.of(), delayMs);
        }
    }

    /**
     * Also issues a Google service-account key, as Google does, under
     * {@value #SERVICE_ACCOUNT_KEY_PROPERTY}: a test that signs in with a service account points
     * {@code agent-hub.providers.vertex.service-account-key} at it.
     */
    @Override
    public Map<String, String> start() {
        FakeProviders fake = running.updateAndGet(current -> current != null ? current : this);
        if (fake == this) {
            startServer();
            fake.key = serviceAccountKeyFile();
        }
        return fake.config();
    }

    private Map<String, String> config() {
        return Map.of("agent-hub.providers.openrouter.base-url", url + "/api/v1",
                "agent-hub.providers.openrouter.api-key", "sk-or-test",
                "agent-hub.providers.vertex.base-url", url,
                "agent-hub.providers.vertex.project", "test-project",
                "agent-hub.providers.vertex.access-token", "ya29.test",
                SERVICE_ACCOUNT_KEY_PROPERTY, key);
    }

    @Override
    public void inject(TestInjector injector) {
        injector.injectIntoFields(running.get(), new TestInjector.AnnotatedAndMatchesType(InjectFake.class, FakeProviders.class));
    }

    @Override
    public void stop() {
        if (running.compareAndSet(this, null)) {
            server.stop(0);
        }
    }

    public static final String SERVICE_ACCOUNT_KEY_PROPERTY = "fake.vertex.service-account-key";
    public static final String SERVICE_ACCOUNT_EMAIL = "agent-hub@test-project.iam.gserviceaccount.com";

    /** A new key pair; the service-account key file (JSON) with its private key, as Google hands it out. */
    private String serviceAccountKeyFile() {
        try {
            KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
            generator.initialize(2048);
            KeyPair pair = generator.generateKeyPair();
            serviceAccountKey = pair.getPublic();
            String pem = "-----BEGIN PRIVATE KEY-----\n"
                    + Base64.getMimeEncoder(64, "\n".getBytes()).encodeToString(pair.getPrivate().getEncoded())
                    + "\n-----END PRIVATE KEY-----\n";
            return JSON.writeValueAsString(Map.of("type", "service_account", "project_id", "test-project",
                    "private_key_id", "key-1", "private_key", pem, "client_email", SERVICE_ACCOUNT_EMAIL, "token_uri", tokenUri()));
        } catch (NoSuchAlgorithmException | JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    public void scriptOpenRouter(Scripted... answers) {
        openRouterScript.addAll(List.of(answers));
    }

    public void scriptVertex(Scripted... answers) {
        vertexScript.addAll(List.of(answers));
    }

    public String tokenUri() {
        return url + "/token";
    }

    public void reset() {
        streamGate = null;
        mostOpenStreams.set(0);
        probeFailures = 0;
        rejectAssertions = false;
        assertions.clear();
        vertexTokens.clear();
        streamScript.clear();
        openRouterScript.clear();
        vertexScript.clear();
        openRouterRequests.clear();
        vertexRequests.clear();
        vertexPaths.clear();
    }

    private void startServer() {
        try {
            server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        url = "http://127.0.0.1:" + server.getAddress().getPort();
        server.createContext("/api/v1/chat/completions", this::openRouter);
        server.createContext("/v1/projects/", this::vertex);
        server.createContext("/token", this::googleToken);
        server.createContext("/api/v1/key", ex -> {
            if (probeFailures > 0) {
                probeFailures--;
                send(ex, Scripted.error(503, Map.of("error", Map.of("code", 503, "message", "Service Unavailable"))));
                return;
            }
            send(ex, new Scripted(200, Map.of("data", Map.of("label", "sk-or-...test", "limit", 100, "usage", 1.5)), Map.of(), 0));
        });
        server.setExecutor(Executors.newFixedThreadPool(64));
        server.start();
    }

    private void openRouter(HttpExchange ex) throws IOException {
        JsonNode request = JSON.readTree(ex.getRequestBody());
        if (!"Bearer sk-or-test".equals(ex.getRequestHeaders().getFirst("Authorization"))) {
            send(ex, new Scripted(401, Map.of("error", Map.of("code", 401, "message", "No auth credentials found")), Map.of(), 0));
            return;
        }
        openRouterRequests.add(request);
        if (request.path("stream").asBoolean(false) && openRouterScript.isEmpty()) {
            ScriptedStream scriptedStream = streamScript.poll();
            JsonNode tool = SimulatedTools.openAiCall(request);
            if (scriptedStream == null && tool != null) {
                String arguments = JSON.writeValueAsString(SimulatedTools.arguments(tool.path("parameters")));
                int half = arguments.length() / 2;
                List<String> events = new java.util.ArrayList<>();
                events.add("data: " + JSON.writeValueAsString(Map.of("id", "gen-2", "object", "chat.completion.chunk",
                        "choices", List.of(Map.of("index", 0, "delta", Map.of("role", "assistant", "tool_calls", List.of(Map.of("index", 0,
                                "id", "call_or_1", "type", "function", "function", Map.of("name", tool.path("name").asText(),
                                        "arguments", arguments.substring(0, half))))))))));
                events.add("data: " + JSON.writeValueAsString(Map.of("id", "gen-2", "object", "chat.completion.chunk",
                        "choices", List.of(Map.of("index", 0, "delta", Map.of("tool_calls", List.of(Map.of("index", 0,
                                "function", Map.of("arguments", arguments.substring(half))))))))));
                events.add("data: " + JSON.writeValueAsString(Map.of("id", "gen-2", "object", "chat.completion.chunk",
                        "choices", List.of(Map.of("index", 0, "delta", Map.of(), "finish_reason", "tool_calls")),
                        "usage", Map.of("prompt_tokens", 50, "completion_tokens", 9, "total_tokens", 59))));
                events.add("data: [DONE]");
                scriptedStream = new ScriptedStream(events, 5, 0);
            }
            if (scriptedStream == null) {
                String model = request.path("model").asText();
                List<String> events = new java.util.ArrayList<>();
                events.add(": OPENROUTER PROCESSING");
                for (String word : List.of("droid(", model, ") ", "streams ", "back")) {
                    events.add("data: " + JSON.writeValueAsString(Map.of("id", "gen-1", "object", "chat.completion.chunk", "model", model,
                            "choices", List.of(Map.of("index", 0, "delta", Map.of("role", "assistant", "content", word))))));
                }
                events.add("data: " + JSON.writeValueAsString(Map.of("id", "gen-1", "object", "chat.completion.chunk",
                        "choices", List.of(Map.of("index", 0, "delta", Map.of("content", ""), "finish_reason", "stop")),
                        "usage", Map.of("prompt_tokens", 30, "completion_tokens", 5, "total_tokens", 35, "cost", 0.0002,
                                "prompt_tokens_details", Map.of("cached_tokens", 0), "completion_tokens_details", Map.of("reasoning_tokens", 0)))));
                events.add("data: [DONE]");
                scriptedStream = new ScriptedStream(events, 5, 0);
            }
            stream(ex, scriptedStream);
            return;
        }
        Scripted scripted = openRouterScript.poll();
        if (scripted != null) {
            send(ex, scripted);
            return;
        }
        String model = request.path("model").asText();
        JsonNode tool = SimulatedTools.openAiCall(request);
        if (tool != null) {
            Map<String, Object> message = new java.util.HashMap<>(Map.of("role", "assistant", "tool_calls", List.of(Map.of(
                    "id", "call_or_1", "type", "function", "function", Map.of("name", tool.path("name").asText(),
                            "arguments", JSON.writeValueAsString(SimulatedTools.arguments(tool.path("parameters"))))))));
            message.put("content", null);
            send(ex, new Scripted(200, Map.of("id", "gen-" + System.nanoTime(), "object", "chat.completion", "model", model,
                    "choices", List.of(Map.of("index", 0, "finish_reason", "tool_calls", "message", message)),
                    "usage", Map.of("prompt_tokens", 50, "completion_tokens", 9, "total_tokens", 59)), Map.of(), 0));
            return;
        }
        JsonNode messages = request.path("messages");
        String last = "tool".equals(messages.get(messages.size() - 1).path("role").asText())
                ? "the tool said " + SimulatedTools.openAiResults(messages)
                : messages.get(messages.size() - 1).path("content").asText();
        String content = request.path("response_format").path("type").asText().startsWith("json")
                ? JSON.writeValueAsString(Map.of("heard", last)) : "droid(" + model + ") heard: " + last;
        send(ex, new Scripted(200, Map.of(
                "id", "gen-" + System.nanoTime(), "object", "chat.completion", "model", model, "provider", "Fake",
                "choices", List.of(Map.of("index", 0, "finish_reason", "stop", "native_finish_reason", "stop",
                        "message", Map.of("role", "assistant", "content", content))),
                "usage", Map.of("prompt_tokens", 12, "completion_tokens", 7, "total_tokens", 19, "cost", 0.0001)), Map.of(), 0));
    }

    /**
     * Google's OAuth token endpoint for service accounts (RFC 7523 JWT bearer grant): verifies the
     * assertion's RS256 signature with the service account's public key, then its claims.
     */
    private void googleToken(HttpExchange ex) throws IOException {
        Map<String, String> form = io.agenthub.dev.LocalIssuer.parseForm(new String(ex.getRequestBody().readAllBytes(),
                java.nio.charset.StandardCharsets.UTF_8));
        String[] jwt = form.getOrDefault("assertion", "").split("\\.");
        if (!"urn:ietf:params:oauth:grant-type:jwt-bearer".equals(form.get("grant_type")) || jwt.length != 3) {
            send(ex, Scripted.error(400, Map.of("error", "invalid_request", "error_description", "Invalid grant_type or assertion")));
            return;
        }
        boolean valid;
        try {
            java.security.Signature verifier = java.security.Signature.getInstance("SHA256withRSA");
            verifier.initVerify(serviceAccountKey);
            verifier.update((jwt[0] + "." + jwt[1]).getBytes(java.nio.charset.StandardCharsets.US_ASCII));
            valid = verifier.verify(Base64.getUrlDecoder().decode(jwt[2]));
        } catch (java.security.GeneralSecurityException | RuntimeException e) {
            valid = false;
        }
        Map<String, Object> claims = new java.util.HashMap<>(JSON.readValue(Base64.getUrlDecoder().decode(jwt[1]),
                new com.fasterxml.jackson.core.type.TypeReference<Map<String, Object>>() {
                }));
        claims.put("header", JSON.readValue(Base64.getUrlDecoder().decode(jwt[0]), Map.class));
        assertions.add(claims);
        long now = java.time.Instant.now().getEpochSecond();
        if (rejectAssertions || !valid || !tokenUri().equals(claims.get("aud"))
                || ((Number) claims.get("exp")).longValue() < now) {
            send(ex, Scripted.error(400, Map.of("error", "invalid_grant", "error_description", "Invalid JWT Signature.")));
            return;
        }
        String token = "ya29.sa-" + assertions.size();
        issuedTokens.add("Bearer " + token);
        send(ex, new Scripted(200, Map.of("access_token", token, "expires_in", 3599, "token_type", "Bearer"), Map.of(), 0));
    }

    private void vertex(HttpExchange ex) throws IOException {
        if (ex.getRequestMethod().equals("GET")) {
            // publisher model metadata, used by health probes
            send(ex, new Scripted(200, Map.of("name", ex.getRequestURI().getPath().replaceFirst("^/v1/", ""),
                    "versionId", "002", "launchStage", "GA"), Map.of(), 0));
            return;
        }
        JsonNode request = JSON.readTree(ex.getRequestBody());
        String authorization = String.valueOf(ex.getRequestHeaders().getFirst("Authorization"));
        vertexTokens.add(authorization);
        if (!"Bearer ya29.test".equals(authorization) && !issuedTokens.contains(authorization)) {
            send(ex, new Scripted(401, Map.of("error", Map.of("code", 401, "message", "Request had invalid authentication credentials.",
                    "status", "UNAUTHENTICATED")), Map.of(), 0));
            return;
        }
        vertexRequests.add(request);
        vertexPaths.add(ex.getRequestURI().getPath() + (ex.getRequestURI().getQuery() == null ? "" : "?" + ex.getRequestURI().getQuery()));
        String turnsProblem = SimulatedTools.geminiTurnsProblem(request.path("contents"));
        if (turnsProblem != null) {
            send(ex, Scripted.error(400, Map.of("error", Map.of("code", 400, "message", turnsProblem, "status", "INVALID_ARGUMENT"))));
            return;
        }
        JsonNode declaration = SimulatedTools.geminiCall(request);
        Map<String, Object> functionCall = declaration == null ? null : Map.of("functionCall", Map.of("name",
                declaration.path("name").asText(), "args", SimulatedTools.arguments(declaration.path("parametersJsonSchema"))));
        if (ex.getRequestURI().getPath().endsWith(":streamGenerateContent") && vertexScript.isEmpty()) {
            ScriptedStream scriptedStream = streamScript.poll();
            if (scriptedStream == null && functionCall != null) {
                scriptedStream = new ScriptedStream(List.of("data: " + JSON.writeValueAsString(Map.of("candidates", List.of(Map.of(
                        "content", Map.of("role", "model", "parts", List.of(functionCall)), "finishReason", "STOP")),
                        "usageMetadata", Map.of("promptTokenCount", 44, "candidatesTokenCount", 6, "totalTokenCount", 50)))), 5, 0);
            }
            if (scriptedStream == null) {
                List<String> events = new java.util.ArrayList<>();
                int n = 0;
                for (String word : List.of("ccrouter ", "streams ", "too")) {
                    n += 3;
                    events.add("data: " + JSON.writeValueAsString(Map.of("candidates", List.of(Map.of("content", Map.of("role", "model",
                            "parts", List.of(Map.of("text", word))))), "usageMetadata", Map.of("promptTokenCount", 40,
                            "candidatesTokenCount", n, "totalTokenCount", 40 + n))));
                }
                scriptedStream = new ScriptedStream(events, 5, 0);
            }
            stream(ex, scriptedStream);
            return;
        }
        Scripted scripted = vertexScript.poll();
        if (scripted != null) {
            send(ex, scripted);
            return;
        }
        if (functionCall != null) {
            send(ex, new Scripted(200, Map.of("candidates", List.of(Map.of("content", Map.of("role", "model",
                    "parts", List.of(functionCall)), "finishReason", "STOP")),
                    "usageMetadata", Map.of("promptTokenCount", 44, "candidatesTokenCount", 6, "totalTokenCount", 50),
                    "modelVersion", "gemini-1.5-pro-002"), Map.of(), 0));
            return;
        }
        JsonNode contents = request.path("contents");
        JsonNode lastPart = contents.get(contents.size() - 1).path("parts").get(0);
        String last = lastPart.has("functionResponse")
                ? "the tool said " + lastPart.path("functionResponse").path("response").path("content")
                : lastPart.path("text").asText();
        List<Map<String, Object>> parts = "application/json".equals(request.path("generationConfig").path("responseMimeType").asText())
                ? List.of(Map.of("text", JSON.writeValueAsString(Map.of("heard", last))))
                : List.of(Map.of("text", "ccrouter heard: "), Map.of("text", last));
        send(ex, new Scripted(200, Map.of(
                "candidates", List.of(Map.of("content", Map.of("role", "model", "parts", parts), "finishReason", "STOP")),
                "usageMetadata", Map.of("promptTokenCount", 21, "candidatesTokenCount", 9, "totalTokenCount", 30),
                "modelVersion", "gemini-1.5-pro-002"), Map.of(), 0));
    }

    private void stream(HttpExchange ex, ScriptedStream s) throws IOException {
        mostOpenStreams.accumulateAndGet(openStreams.incrementAndGet(), Math::max);
        try {
            CountDownLatch gate = streamGate;
            if (gate != null) {
                gate.countDown();
                gate.await(10, TimeUnit.SECONDS);
            }
            sendStream(ex, s);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            openStreams.decrementAndGet();
        }
    }

    private static void sendStream(HttpExchange ex, ScriptedStream s) throws IOException {
        ex.getResponseHeaders().set("Content-Type", "text/event-stream");
        ex.sendResponseHeaders(200, 0);
        try (OutputStream out = ex.getResponseBody()) {
            for (String event : s.events()) {
                out.write((event + "\n\n").getBytes());
                out.flush();
                pause(s.gapMs());
            }
            pause(s.stallAfterMs());
        } catch (IOException clientGone) {
            // the service closed the connection (cancellation or timeout)
        }
    }

    private static void pause(long ms) {
        if (ms > 0) {
            try {
                Thread.sleep(ms);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    private static void send(HttpExchange ex, Scripted s) throws IOException {
        if (s.delayMs() > 0) {
            try {
                Thread.sleep(s.delayMs());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        byte[] bytes = s.body() instanceof String text ? text.getBytes() : JSON.writeValueAsBytes(s.body());
        ex.getResponseHeaders().set("Content-Type", "application/json");
        s.headers().forEach((k, v) -> ex.getResponseHeaders().set(k, v));
        ex.sendResponseHeaders(s.status(), bytes.length);
        try (OutputStream out = ex.getResponseBody()) {
            out.write(bytes);
        }
    }
}
