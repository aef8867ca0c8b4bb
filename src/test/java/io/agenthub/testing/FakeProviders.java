package io.agenthub.testing;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedDeque;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;

/**
 * Local OpenRouter and Vertex AI servers speaking their real JSON formats, with scripted
 * failures: tests queue responses (status, body, headers, delay) and read the requests received.
 */
public final class FakeProviders implements QuarkusTestResourceLifecycleManager {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static FakeProviders shared;

    private HttpServer server;
    private String url;
    public final List<JsonNode> openRouterRequests = new CopyOnWriteArrayList<>();
    public final List<JsonNode> vertexRequests = new CopyOnWriteArrayList<>();
    public final List<String> vertexPaths = new CopyOnWriteArrayList<>();
    private final ConcurrentLinkedDeque<Scripted> openRouterScript = new ConcurrentLinkedDeque<>();
    private final ConcurrentLinkedDeque<Scripted> vertexScript = new ConcurrentLinkedDeque<>();

    /** One scripted answer; when the script is empty, a normal reply is sent. */
    public record Scripted(int status, Object body, Map<String, String> headers, long delayMs) {
        public static Scripted error(int status, Object body) {
            return new Scripted(status, body, Map.of(), 0);
        }
    }

    public static synchronized FakeProviders shared() {
        if (shared == null) {
            shared = new FakeProviders();
            shared.startServer();
            Runtime.getRuntime().addShutdownHook(new Thread(() -> shared.server.stop(0)));
        }
        return shared;
    }

    @Override
    public Map<String, String> start() {
        FakeProviders fake = shared();
        return Map.of("agent-hub.providers.openrouter.base-url", fake.url + "/api/v1",
                "agent-hub.providers.openrouter.api-key", "sk-or-test",
                "agent-hub.providers.vertex.base-url", fake.url,
                "agent-hub.providers.vertex.project", "test-project",
                "agent-hub.providers.vertex.access-token", "ya29.test");
    }

    @Override
    public void stop() {
        // shared across test classes; stopped with the JVM
    }

    public void scriptOpenRouter(Scripted... answers) {
        openRouterScript.addAll(List.of(answers));
    }

    public void scriptVertex(Scripted... answers) {
        vertexScript.addAll(List.of(answers));
    }

    public void reset() {
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
        server.setExecutor(Executors.newFixedThreadPool(16));
        server.start();
    }

    private void openRouter(HttpExchange ex) throws IOException {
        JsonNode request = JSON.readTree(ex.getRequestBody());
        if (!"Bearer sk-or-test".equals(ex.getRequestHeaders().getFirst("Authorization"))) {
            send(ex, new Scripted(401, Map.of("error", Map.of("code", 401, "message", "No auth credentials found")), Map.of(), 0));
            return;
        }
        openRouterRequests.add(request);
        Scripted scripted = openRouterScript.poll();
        if (scripted != null) {
            send(ex, scripted);
            return;
        }
        String model = request.path("model").asText();
        String last = request.path("messages").get(request.path("messages").size() - 1).path("content").asText();
        send(ex, new Scripted(200, Map.of(
                "id", "gen-" + System.nanoTime(), "object", "chat.completion", "model", model, "provider", "Fake",
                "choices", List.of(Map.of("index", 0, "finish_reason", "stop", "native_finish_reason", "stop",
                        "message", Map.of("role", "assistant", "content", "droid(" + model + ") heard: " + last))),
                "usage", Map.of("prompt_tokens", 12, "completion_tokens", 7, "total_tokens", 19, "cost", 0.0001)), Map.of(), 0));
    }

    private void vertex(HttpExchange ex) throws IOException {
        JsonNode request = JSON.readTree(ex.getRequestBody());
        if (!"Bearer ya29.test".equals(ex.getRequestHeaders().getFirst("Authorization"))) {
            send(ex, new Scripted(401, Map.of("error", Map.of("code", 401, "message", "Request had invalid authentication credentials.",
                    "status", "UNAUTHENTICATED")), Map.of(), 0));
            return;
        }
        vertexRequests.add(request);
        vertexPaths.add(ex.getRequestURI().getPath());
        Scripted scripted = vertexScript.poll();
        if (scripted != null) {
            send(ex, scripted);
            return;
        }
        JsonNode contents = request.path("contents");
        String last = contents.get(contents.size() - 1).path("parts").get(0).path("text").asText();
        send(ex, new Scripted(200, Map.of(
                "candidates", List.of(Map.of("content", Map.of("role", "model", "parts", List.of(Map.of("text", "ccrouter heard: "),
                        Map.of("text", last))), "finishReason", "STOP")),
                "usageMetadata", Map.of("promptTokenCount", 21, "candidatesTokenCount", 9, "totalTokenCount", 30),
                "modelVersion", "gemini-1.5-pro-002"), Map.of(), 0));
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
