package io.agenthub.dev;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Executors;

import org.jboss.logging.Logger;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

/**
 * In dev mode, the model providers when no credentials are configured: OpenRouter's chat
 * completions and Vertex AI's generateContent on a local port, speaking their real wire formats,
 * so a fresh machine can chat. Replies say plainly that they are simulated, stream word by word at
 * a reading pace and report usage. A user message containing one of these makes it fail on
 * purpose, to watch retries, the breaker and the fallback in the metrics:
 * {@value #ERROR} (HTTP 500), {@value #RATE_LIMIT} (429 with Retry-After), {@value #TIMEOUT}
 * (no answer for two minutes). Offered tools, it calls one with arguments that fit its schema, and
 * answers the results it is sent back ({@link SimulatedTools}); asked for JSON, it answers JSON.
 */
public final class ProviderSimulator {

    public static final String ERROR = "[simulate: error]";
    public static final String RATE_LIMIT = "[simulate: rate limit]";
    public static final String TIMEOUT = "[simulate: timeout]";
    /** The credentials the simulator accepts, and that the service is given for it. */
    public static final String KEY = "simulated";

    static final long WORD_PACE_MS = 40;
    private static final String URL_PROPERTY = "agenthub.provider-simulator.url";
    private static final Logger LOG = Logger.getLogger(ProviderSimulator.class);
    private static final ObjectMapper JSON = new ObjectMapper();
    private static ProviderSimulator running;

    private final String url;

    private ProviderSimulator(String url) {
        this.url = url;
    }

    /** The simulator's base URL: OpenRouter's API under {@code /api/v1}, Vertex AI's under {@code /v1}. */
    public String url() {
        return url;
    }

    /**
     * Starts the simulator once per JVM, on a free port. Dev mode loads this class more than once
     * (its build and its application class loaders), so the running one is found by a system
     * property, as the local issuer's is.
     */
    public static synchronized ProviderSimulator start() {
        if (running != null) {
            return running;
        }
        String started = System.getProperty(URL_PROPERTY);
        if (started != null) {
            running = new ProviderSimulator(started);
            return running;
        }
        // one write per event, not a delayed ACK's 40 ms between them
        System.setProperty("sun.net.httpserver.nodelay", "true");
        try {
            HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
            running = new ProviderSimulator("http://127.0.0.1:" + server.getAddress().getPort());
            server.createContext("/api/v1/chat/completions", ProviderSimulator::openRouter);
            server.createContext("/api/v1/key", exchange -> json(exchange, 200, Map.of("data", Map.of("label", "simulated"))));
            server.createContext("/v1/projects/", ProviderSimulator::vertex);
            // replies are paced and a simulated timeout stalls: one thread per exchange keeps the others moving
            server.setExecutor(Executors.newCachedThreadPool(r -> {
                Thread t = new Thread(r, "provider-simulator");
                t.setDaemon(true);
                return t;
            }));
            server.start();
            System.setProperty(URL_PROPERTY, running.url);
            LOG.infof("No provider credentials configured: agents answer through the simulator on %s. Put %s, %s or %s in a "
                    + "message to make it fail on purpose.", running.url, ERROR, RATE_LIMIT, TIMEOUT);
            return running;
        } catch (IOException e) {
            throw new IllegalStateException("Could not start the provider simulator: " + e.getMessage(), e);
        }
    }

    /** The simulated answer to a conversation's last user message. */
    static String reply(String agent, String model, String lastUserMessage) {
        String said = lastUserMessage.strip().replaceAll("\\s+", " ");
        if (said.length() > 200) {
            said = said.substring(0, 197) + "...";
        }
        return "This is a simulated reply from " + agent + " (" + model + "): Agent Hub runs without provider credentials in dev "
                + "mode, so no model was called. You said: \"" + said + "\"";
    }

    /** What the message asks the simulator to do instead of answering, or null. */
    static String failure(String lastUserMessage) {
        String text = lastUserMessage.toLowerCase(Locale.ROOT);
        for (String failure : List.of(ERROR, RATE_LIMIT, TIMEOUT)) {
            if (text.contains(failure)) {
                return failure;
            }
        }
        return null;
    }

    static List<String> words(String text) {
        List<String> words = new ArrayList<>();
        int start = 0;
        for (int i = 1; i <= text.length(); i++) {
            if (i == text.length() || text.charAt(i) == ' ') {
                words.add(text.substring(start, Math.min(i + 1, text.length())));
                start = i + 1;
            }
        }
        return words;
    }

    private static void openRouter(HttpExchange exchange) throws IOException {
        JsonNode request = JSON.readTree(body(exchange));
        if (!("Bearer " + KEY).equals(exchange.getRequestHeaders().getFirst("Authorization"))) {
            json(exchange, 401, Map.of("error", Map.of("code", 401, "message", "No auth credentials found")));
            return;
        }
        JsonNode messages = request.path("messages");
        String last = lastUser(messages, "content");
        if (failed(exchange, failure(last), Map.of("error", Map.of("code", 500, "message", "Simulated provider error")),
                Map.of("error", Map.of("code", 429, "message", "Simulated rate limit")))) {
            return;
        }
        String model = request.path("model").asText();
        int prompt = tokens(messages.toString());
        JsonNode tool = SimulatedTools.openAiCall(request);
        if (tool != null) {
            openRouterToolCall(exchange, request, model, tool, prompt);
            return;
        }
        String text = reply("droid", model, "tool".equals(messages.path(messages.size() - 1).path("role").asText())
                ? "(tool results) " + SimulatedTools.openAiResults(messages) : last);
        if (request.path("response_format").path("type").asText().startsWith("json")) {
            text = JSON.writeValueAsString(Map.of("simulated", true, "reply", text));
        }
        int completion = words(text).size();
        Map<String, Object> usage = Map.of("prompt_tokens", prompt, "completion_tokens", completion, "total_tokens", prompt + completion);
        if (!request.path("stream").asBoolean(false)) {
            json(exchange, 200, Map.of("id", "gen-simulated", "object", "chat.completion", "model", model, "provider", "Simulator",
                    "choices", List.of(Map.of("index", 0, "finish_reason", "stop",
                            "message", Map.of("role", "assistant", "content", text))),
                    "usage", usage));
            return;
        }
        List<String> events = new ArrayList<>();
        events.add(": OPENROUTER PROCESSING");
        for (String word : words(text)) {
            events.add(chunk(model, Map.of("index", 0, "delta", Map.of("role", "assistant", "content", word)), null));
        }
        events.add(chunk(model, Map.of("index", 0, "delta", Map.of("content", ""), "finish_reason", "stop"), usage));
        events.add("data: [DONE]");
        stream(exchange, events);
    }

    /** A simulated model calling the function offered (or required), streamed in pieces as OpenAI's are. */
    private static void openRouterToolCall(HttpExchange exchange, JsonNode request, String model, JsonNode tool, int prompt)
            throws IOException {
        String arguments = JSON.writeValueAsString(SimulatedTools.arguments(tool.path("parameters")));
        String id = "call_simulated_" + Long.toHexString(System.nanoTime());
        Map<String, Object> usage = Map.of("prompt_tokens", prompt, "completion_tokens", 10, "total_tokens", prompt + 10);
        Map<String, Object> function = Map.of("name", tool.path("name").asText(), "arguments", arguments);
        if (!request.path("stream").asBoolean(false)) {
            Map<String, Object> message = new LinkedHashMap<>();
            message.put("role", "assistant");
            message.put("content", null);
            message.put("tool_calls", List.of(Map.of("id", id, "type", "function", "function", function)));
            json(exchange, 200, Map.of("id", "gen-simulated", "object", "chat.completion", "model", model, "provider", "Simulator",
                    "choices", List.of(Map.of("index", 0, "finish_reason", "tool_calls", "message", message)), "usage", usage));
            return;
        }
        int half = arguments.length() / 2;
        Map<String, Object> opening = Map.of("index", 0, "id", id, "type", "function", "function",
                Map.of("name", tool.path("name").asText(), "arguments", arguments.substring(0, half)));
        Map<String, Object> rest = Map.of("index", 0, "function", Map.of("arguments", arguments.substring(half)));
        stream(exchange, List.of(
                chunk(model, Map.of("index", 0, "delta", Map.of("role", "assistant", "tool_calls", List.of(opening))), null),
                chunk(model, Map.of("index", 0, "delta", Map.of("tool_calls", List.of(rest))), null),
                chunk(model, Map.of("index", 0, "delta", Map.of(), "finish_reason", "tool_calls"), usage),
                "data: [DONE]"));
    }

    private static String chunk(String model, Map<String, Object> choice, Map<String, Object> usage) throws IOException {
        Map<String, Object> chunk = new LinkedHashMap<>(Map.of("id", "gen-simulated", "object", "chat.completion.chunk",
                "model", model, "choices", List.of(choice)));
        if (usage != null) {
            chunk.put("usage", usage);
        }
        return "data: " + JSON.writeValueAsString(chunk);
    }

    private static void vertex(HttpExchange exchange) throws IOException {
        String path = exchange.getRequestURI().getPath();
        byte[] body = body(exchange);
        if (!("Bearer " + KEY).equals(exchange.getRequestHeaders().getFirst("Authorization"))) {
            json(exchange, 401, Map.of("error", Map.of("code", 401, "message", "Request had invalid authentication credentials.",
                    "status", "UNAUTHENTICATED")));
            return;
        }
        if ("GET".equals(exchange.getRequestMethod())) {
            // the health probe reads the publisher model
            json(exchange, 200, Map.of("name", path.substring(path.indexOf("publishers/")), "versionId", "simulated"));
            return;
        }
        JsonNode request = JSON.readTree(body);
        JsonNode contents = request.path("contents");
        String last = lastUser(contents, null);
        if (failed(exchange, failure(last), Map.of("error", Map.of("code", 500, "message", "Simulated provider error",
                "status", "INTERNAL")), Map.of("error", Map.of("code", 429, "message", "Simulated rate limit",
                "status", "RESOURCE_EXHAUSTED")))) {
            return;
        }
        String turnsProblem = SimulatedTools.geminiTurnsProblem(contents);
        if (turnsProblem != null) {
            json(exchange, 400, Map.of("error", Map.of("code", 400, "message", turnsProblem, "status", "INVALID_ARGUMENT")));
            return;
        }
        String model = path.substring(path.lastIndexOf('/') + 1, path.indexOf(':'));
        int prompt = tokens(request.toString());
        JsonNode declaration = SimulatedTools.geminiCall(request);
        if (declaration != null) {
            // Gemini sends a function call whole, in one event, and finishes with STOP
            Map<String, Object> candidate = Map.of("content", Map.of("role", "model", "parts", List.of(Map.of("functionCall",
                    Map.of("name", declaration.path("name").asText(), "args",
                            SimulatedTools.arguments(declaration.path("parametersJsonSchema")))))), "finishReason", "STOP");
            Map<String, Object> response = Map.of("candidates", List.of(candidate), "usageMetadata", Map.of("promptTokenCount",
                    prompt, "candidatesTokenCount", 10, "totalTokenCount", prompt + 10), "modelVersion", "simulated");
            if (path.endsWith(":generateContent")) {
                json(exchange, 200, response);
            } else {
                stream(exchange, List.of("data: " + JSON.writeValueAsString(response)));
            }
            return;
        }
        JsonNode lastTurn = contents.path(contents.size() - 1).path("parts");
        String text = reply("ccrouter", model, lastTurn.path(0).has("functionResponse")
                ? "(tool results) " + lastTurn.findValues("response") : last);
        if ("application/json".equals(request.path("generationConfig").path("responseMimeType").asText())) {
            text = JSON.writeValueAsString(Map.of("simulated", true, "reply", text));
        }
        List<String> words = words(text);
        if (path.endsWith(":generateContent")) {
            json(exchange, 200, vertexResponse(List.of(text), "STOP", prompt, words.size()));
            return;
        }
        List<String> events = new ArrayList<>();
        for (int i = 0; i < words.size(); i++) {
            boolean lastWord = i == words.size() - 1;
            events.add("data: " + JSON.writeValueAsString(vertexResponse(List.of(words.get(i)), lastWord ? "STOP" : null, prompt, i + 1)));
        }
        stream(exchange, events);
    }

    private static Map<String, Object> vertexResponse(List<String> parts, String finishReason, int prompt, int candidates) {
        Map<String, Object> candidate = new LinkedHashMap<>();
        candidate.put("content", Map.of("role", "model", "parts", parts.stream().map(p -> Map.of("text", p)).toList()));
        if (finishReason != null) {
            candidate.put("finishReason", finishReason);
        }
        return Map.of("candidates", List.of(candidate), "usageMetadata", Map.of("promptTokenCount", prompt,
                "candidatesTokenCount", candidates, "totalTokenCount", prompt + candidates), "modelVersion", "simulated");
    }

    /** The text of the last user message: OpenAI's {@code content}, or Gemini's first text part. */
    private static String lastUser(JsonNode messages, String contentField) {
        for (int i = messages.size() - 1; i >= 0; i--) {
            JsonNode m = messages.get(i);
            if ("user".equals(m.path("role").asText())) {
                return contentField != null ? m.path(contentField).asText() : m.path("parts").path(0).path("text").asText();
            }
        }
        return "";
    }

    /** Answers a failure a message asked for; false when there is none. */
    private static boolean failed(HttpExchange exchange, String failure, Object error, Object rateLimited) throws IOException {
        if (failure == null) {
            return false;
        }
        switch (failure) {
            case ERROR -> json(exchange, 500, error);
            case RATE_LIMIT -> {
                exchange.getResponseHeaders().set("Retry-After", "2");
                json(exchange, 429, rateLimited);
            }
            default -> {
                try {
                    Thread.sleep(120_000);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                exchange.close();
            }
        }
        return true;
    }

    /** Roughly four characters a token, as the hub's own budget assumes. */
    private static int tokens(String text) {
        return Math.max(1, text.length() / 4);
    }

    private static void stream(HttpExchange exchange, List<String> events) throws IOException {
        exchange.getResponseHeaders().set("Content-Type", "text/event-stream");
        exchange.sendResponseHeaders(200, 0);
        try (OutputStream out = exchange.getResponseBody()) {
            for (String event : events) {
                out.write((event + "\n\n").getBytes(StandardCharsets.UTF_8));
                out.flush();
                Thread.sleep(WORD_PACE_MS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (IOException gone) {
            // the service stopped reading (its client left): nothing more to send
        }
    }

    /** The whole request body, read before anything is answered (an unread body breaks keep-alive). */
    private static byte[] body(HttpExchange exchange) throws IOException {
        try (InputStream in = exchange.getRequestBody()) {
            return in.readAllBytes();
        }
    }

    private static void json(HttpExchange exchange, int status, Object body) throws IOException {
        byte[] bytes = JSON.writeValueAsBytes(body);
        exchange.getResponseHeaders().set("Content-Type", "application/json");
        exchange.sendResponseHeaders(status, bytes.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(bytes);
        }
    }
}
