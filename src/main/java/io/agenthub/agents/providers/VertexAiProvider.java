package io.agenthub.agents.providers;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Pattern;

import jakarta.enterprise.context.ApplicationScoped;

import io.agenthub.web.ApiException;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;
import io.vertx.core.json.Json;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

/** Vertex AI Gemini generateContent (ccrouter), for the agent's project and location. */
@ApplicationScoped
public class VertexAiProvider implements ChatProvider {

    static final String NAME = "vertex-ai";

    private final ProviderHttp http;
    private final ProvidersConfig.Vertex config;
    private final GoogleCredentials credentials;

    public VertexAiProvider(ProviderHttp http, ProvidersConfig config, GoogleCredentials credentials) {
        this.http = http;
        this.config = config.vertex();
        this.credentials = credentials;
    }

    @Override
    public String provider() {
        return NAME;
    }

    @Override
    public Uni<Reply> complete(Request request) {
        return send(request, false).map(VertexAiProvider::reply);
    }

    /** Reads the publisher model's metadata: authenticated, project-scoped, free. */
    @Override
    public Uni<Void> probe(String providerModelId, Map<String, Object> agentConfig) {
        String url = target(new Request(providerModelId, agentConfig, List.of(), 1), false).url()
                .replace(":generateContent", "");
        return credentials.accessToken().chain(token -> http.probe(NAME, http.get(url).putHeader("Authorization", "Bearer " + token)));
    }

    @Override
    public Uni<Multi<Chunk>> stream(Request request, long firstTokenMs, long idleMs) {
        Target target = target(request, true);
        return credentials.accessToken()
                .chain(token -> http.openStream(NAME, target.url(), Map.of("Authorization", "Bearer " + token), target.body()))
                .onFailure().invoke(credentials::rejectedBy)
                .map(response -> {
                    // Gemini sends each function call whole, in one event; OpenAI's clients number them across the reply
                    AtomicInteger calls = new AtomicInteger();
                    AtomicBoolean called = new AtomicBoolean();
                    return SseStream.data(http.vertx(), response, NAME, firstTokenMs, idleMs).map(data -> {
                        JsonObject json;
                        try {
                            json = new JsonObject(data);
                        } catch (RuntimeException e) {
                            throw ProviderException.malformed(NAME, "an event is not JSON");
                        }
                        // every event is a whole response; usage is cumulative, so the last one counts
                        Reply part = reply(json);
                        List<ToolCallDelta> deltas = new ArrayList<>(part.toolCalls().size());
                        for (ToolCall call : part.toolCalls()) {
                            called.set(true);
                            deltas.add(new ToolCallDelta(calls.getAndIncrement(), call.id(), call.name(), call.arguments()));
                        }
                        String finish = called.get() && "STOP".equals(part.finishReason()) ? TOOL_CALLS : part.finishReason();
                        return new Chunk(part.text(), part.inputTokens(), part.outputTokens(), finish, deltas);
                    });
                });
    }

    private record Target(String url, JsonObject body) {
    }

    private Uni<JsonObject> send(Request request, boolean stream) {
        Target target = target(request, stream);
        return credentials.accessToken()
                .chain(token -> http.send(NAME, http.post(target.url()).putHeader("Authorization", "Bearer " + token), target.body()))
                .map(response -> {
                    if (response.statusCode() != 200) {
                        throw ProviderException.fromStatus(NAME, response.statusCode(), ProviderHttp.errorMessage(response),
                                ProviderHttp.retryAfterMs(response));
                    }
                    return ProviderHttp.json(NAME, response);
                })
                .onFailure().invoke(credentials::rejectedBy);
    }

    private Target target(Request request, boolean stream) {
        String location = String.valueOf(request.agentConfig().getOrDefault("location", "us-central1"));
        Object agentProject = request.agentConfig().get("project");
        String project = agentProject != null ? agentProject.toString() : config.project().orElse("");
        String base = config.baseUrl().orElse("https://" + location + "-aiplatform.googleapis.com");
        String url = base + "/v1/projects/" + project + "/locations/" + location + "/publishers/google/models/"
                + request.providerModelId() + (stream ? ":streamGenerateContent?alt=sse" : ":generateContent");
        JsonObject generation = new JsonObject().put("maxOutputTokens", request.maxOutputTokens());
        Sampling sampling = request.sampling();
        if (sampling.temperature() != null) {
            generation.put("temperature", sampling.temperature());
        }
        if (sampling.topP() != null) {
            generation.put("topP", sampling.topP());
        }
        if (!sampling.stop().isEmpty()) {
            generation.put("stopSequences", new JsonArray(sampling.stop()));
        }
        ResponseFormat format = request.format();
        if (format.json()) {
            generation.put("responseMimeType", "application/json");
            if (format.schema() != null) {
                generation.put("responseJsonSchema", format.schema());
            }
        }
        JsonObject body = new JsonObject().put("contents", contents(request.messages())).put("generationConfig", generation);
        String system = request.messages().stream().filter(m -> m.role().equals("system")).map(Message::content)
                .reduce((a, b) -> a + "\n\n" + b).orElse("");
        if (!system.isEmpty()) {
            body.put("systemInstruction", new JsonObject().put("parts", new JsonArray().add(new JsonObject().put("text", system))));
        }
        Tools tools = request.tools();
        if (tools.offered()) {
            body.put("tools", new JsonArray().add(new JsonObject().put("functionDeclarations", declarations(tools))));
            JsonObject calling = new JsonObject().put("mode", switch (tools.choice()) {
                case "none" -> "NONE";
                case "required", "function" -> "ANY";
                default -> "AUTO";
            });
            if (tools.function() != null) {
                calling.put("allowedFunctionNames", new JsonArray().add(tools.function()));
            }
            body.put("toolConfig", new JsonObject().put("functionCallingConfig", calling));
        }
        return new Target(url, body);
    }

    /** Gemini's finish reason is STOP after function calls too; OpenAI's clients look for tool_calls. */
    static final String TOOL_CALLS = "TOOL_CALLS";
    /** The function names Gemini accepts (OpenAI's also allow a leading digit or dash). */
    private static final Pattern FUNCTION_NAME = Pattern.compile("[A-Za-z_][A-Za-z0-9_.-]{0,63}");

    private static JsonArray declarations(Tools tools) {
        JsonArray declarations = new JsonArray();
        for (int i = 0; i < tools.declared().size(); i++) {
            Tool tool = tools.declared().get(i);
            if (!FUNCTION_NAME.matcher(tool.name()).matches()) {
                throw ApiException.invalidField("tools[" + i + "].function.name",
                        "Vertex AI takes function names that start with a letter or an underscore");
            }
            JsonObject declaration = new JsonObject().put("name", tool.name()).put("parametersJsonSchema", tool.parameters());
            if (tool.description() != null) {
                declaration.put("description", tool.description());
            }
            declarations.add(declaration);
        }
        return declarations;
    }

    /**
     * Gemini's turns: an assistant's tool calls are the model's functionCall parts, and the tool
     * results that follow one user turn of functionResponse parts, named after the calls they answer.
     */
    private static JsonArray contents(List<Message> messages) {
        JsonArray contents = new JsonArray();
        Map<String, String> calledNames = new HashMap<>();
        JsonArray results = null;
        for (int i = 0; i < messages.size(); i++) {
            Message m = messages.get(i);
            if (m.role().equals("system")) {
                continue;
            }
            if (m.role().equals("tool")) {
                if (results == null) {
                    results = new JsonArray();
                    contents.add(new JsonObject().put("role", "user").put("parts", results));
                }
                results.add(new JsonObject().put("functionResponse", new JsonObject()
                        .put("name", calledNames.getOrDefault(m.toolCallId(), m.toolCallId()))
                        .put("response", new JsonObject().put("content", toolResult(m.content())))));
                continue;
            }
            results = null;
            JsonArray parts = new JsonArray();
            if (!m.content().isEmpty() || m.toolCalls().isEmpty()) {
                parts.add(new JsonObject().put("text", m.content()));
            }
            for (int j = 0; j < m.toolCalls().size(); j++) {
                ToolCall call = m.toolCalls().get(j);
                calledNames.put(call.id(), call.name());
                parts.add(new JsonObject().put("functionCall", new JsonObject().put("name", call.name())
                        .put("args", arguments(call.arguments(), "messages[" + i + "].tool_calls[" + j + "].function.arguments"))));
            }
            contents.add(new JsonObject().put("role", m.role().equals("assistant") ? "model" : "user").put("parts", parts));
        }
        return contents;
    }

    private static JsonObject arguments(String arguments, String field) {
        try {
            return arguments == null || arguments.isBlank() ? new JsonObject() : new JsonObject(arguments);
        } catch (RuntimeException e) {
            throw ApiException.invalidField(field, "Vertex AI takes a function call's arguments as a JSON object");
        }
    }

    /** A tool's result as JSON when it is JSON, else as the text it is. */
    private static Object toolResult(String content) {
        try {
            return Json.decodeValue(content);
        } catch (RuntimeException notJson) {
            return content;
        }
    }

    static Reply reply(JsonObject json) {
        JsonObject feedback = json.getJsonObject("promptFeedback");
        JsonArray candidates = json.getJsonArray("candidates");
        if (feedback != null && feedback.getString("blockReason") != null && (candidates == null || candidates.isEmpty())) {
            throw ProviderException.blocked(NAME, feedback.getString("blockReason"));
        }
        if (candidates == null || candidates.isEmpty()) {
            throw ProviderException.malformed(NAME, "no candidates");
        }
        JsonObject candidate = candidates.getJsonObject(0);
        JsonObject content = candidate.getJsonObject("content");
        JsonArray parts = content == null ? null : content.getJsonArray("parts");
        if (parts == null) {
            throw ProviderException.malformed(NAME, "no content parts");
        }
        StringBuilder text = new StringBuilder();
        List<ToolCall> calls = new ArrayList<>();
        for (int i = 0; i < parts.size(); i++) {
            JsonObject part = parts.getJsonObject(i);
            String t = part.getString("text");
            if (t != null && !part.getBoolean("thought", false)) {
                text.append(t);
            }
            JsonObject call = part.getJsonObject("functionCall");
            if (call != null) {
                // Gemini's calls carry an id only on newer models; OpenAI's clients need one to answer each call
                String id = call.getString("id");
                calls.add(new ToolCall(id != null ? id : "call_" + UUID.randomUUID().toString().replace("-", "").substring(0, 24),
                        call.getString("name"), call.getJsonObject("args", new JsonObject()).encode()));
            }
        }
        JsonObject usage = json.getJsonObject("usageMetadata");
        String finish = !calls.isEmpty() && "STOP".equals(candidate.getString("finishReason")) ? TOOL_CALLS
                : candidate.getString("finishReason");
        return new Reply(text.toString(), usage == null ? null : usage.getInteger("promptTokenCount"),
                usage == null ? null : usage.getInteger("candidatesTokenCount"), finish, calls);
    }
}
