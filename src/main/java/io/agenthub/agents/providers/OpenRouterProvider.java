package io.agenthub.agents.providers;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import jakarta.enterprise.context.ApplicationScoped;

import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

/** OpenRouter's OpenAI-compatible chat completions API (droid). */
@ApplicationScoped
public class OpenRouterProvider implements ChatProvider {

    static final String NAME = "openrouter";

    private final ProviderHttp http;
    private final ProvidersConfig.OpenRouter config;

    public OpenRouterProvider(ProviderHttp http, ProvidersConfig config) {
        this.http = http;
        this.config = config.openrouter();
    }

    @Override
    public String provider() {
        return NAME;
    }

    private JsonObject body(Request request, boolean stream) {
        JsonArray messages = new JsonArray();
        request.messages().forEach(m -> messages.add(message(m)));
        JsonObject body = new JsonObject()
                .put("model", request.providerModelId())
                .put("messages", messages)
                .put("max_tokens", request.maxOutputTokens())
                .put("stream", stream)
                .put("usage", new JsonObject().put("include", true));
        Sampling sampling = request.sampling();
        if (sampling.temperature() != null) {
            body.put("temperature", sampling.temperature());
        }
        if (sampling.topP() != null) {
            body.put("top_p", sampling.topP());
        }
        if (!sampling.stop().isEmpty()) {
            body.put("stop", new JsonArray(sampling.stop()));
        }
        Tools tools = request.tools();
        if (tools.offered()) {
            JsonArray declared = new JsonArray();
            tools.declared().forEach(t -> declared.add(new JsonObject().put("type", "function").put("function",
                    new JsonObject().put("name", t.name()).put("description", t.description()).put("parameters", t.parameters()))));
            body.put("tools", declared).put("tool_choice", "function".equals(tools.choice())
                    ? new JsonObject().put("type", "function").put("function", new JsonObject().put("name", tools.function()))
                    : tools.choice());
        }
        ResponseFormat format = request.format();
        if ("json_object".equals(format.type())) {
            body.put("response_format", new JsonObject().put("type", "json_object"));
        } else if ("json_schema".equals(format.type())) {
            JsonObject schema = new JsonObject().put("name", format.name()).put("schema", format.schema());
            if (format.strict() != null) {
                schema.put("strict", format.strict());
            }
            body.put("response_format", new JsonObject().put("type", "json_schema").put("json_schema", schema));
        }
        return body;
    }

    /** OpenAI's message shape, which OpenRouter speaks: content null beside tool calls, as OpenAI sends it. */
    private static JsonObject message(Message m) {
        JsonObject message = new JsonObject().put("role", m.role());
        if (!m.toolCalls().isEmpty()) {
            JsonArray calls = new JsonArray();
            m.toolCalls().forEach(c -> calls.add(new JsonObject().put("id", c.id()).put("type", "function")
                    .put("function", new JsonObject().put("name", c.name()).put("arguments", c.arguments()))));
            return message.put("content", m.content() == null || m.content().isEmpty() ? null : m.content()).put("tool_calls", calls);
        }
        message.put("content", m.content());
        return m.toolCallId() == null ? message : message.put("tool_call_id", m.toolCallId());
    }

    private Map<String, String> headers() {
        return Map.of("Authorization", "Bearer " + config.apiKey().orElse(""), "HTTP-Referer", config.referer(),
                "X-Title", config.title());
    }

    @Override
    public Uni<Multi<Chunk>> stream(Request request, long firstTokenMs, long idleMs) {
        return http.openStream(NAME, config.baseUrl() + "/chat/completions", headers(), body(request, true))
                .map(response -> SseStream.data(http.vertx(), response, NAME, firstTokenMs, idleMs)
                        .filter(data -> !data.equals("[DONE]"))
                        .map(OpenRouterProvider::chunk));
    }

    /** One streamed chunk; an {@code error} member mid-stream (HTTP already 200) fails the stream. */
    static Chunk chunk(String data) {
        JsonObject json;
        try {
            json = new JsonObject(data);
        } catch (RuntimeException e) {
            throw ProviderException.malformed(NAME, "an event is not JSON");
        }
        if (json.getValue("error") instanceof JsonObject error) {
            int code = error.getValue("code") instanceof Number n ? n.intValue() : 502;
            throw ProviderException.fromStatus(NAME, code, error.getString("message"), null);
        }
        JsonArray choices = json.getJsonArray("choices");
        String text = null;
        String finish = null;
        List<ToolCallDelta> calls = List.of();
        if (choices != null && !choices.isEmpty()) {
            JsonObject choice = choices.getJsonObject(0);
            JsonObject delta = choice.getJsonObject("delta");
            text = delta == null ? null : delta.getString("content");
            finish = choice.getString("finish_reason");
            JsonArray deltas = delta == null ? null : delta.getJsonArray("tool_calls");
            if (deltas != null) {
                calls = new ArrayList<>(deltas.size());
                for (int i = 0; i < deltas.size(); i++) {
                    JsonObject call = deltas.getJsonObject(i);
                    JsonObject function = call.getJsonObject("function", new JsonObject());
                    calls.add(new ToolCallDelta(call.getInteger("index", i), call.getString("id"), function.getString("name"),
                            function.getString("arguments")));
                }
            }
        }
        JsonObject usage = json.getJsonObject("usage");
        return new Chunk(text, usage == null ? null : usage.getInteger("prompt_tokens"),
                usage == null ? null : usage.getInteger("completion_tokens"), finish, calls);
    }

    /** The key endpoint checks the credentials; the model list would not. */
    @Override
    public Uni<Void> probe(String providerModelId, Map<String, Object> agentConfig) {
        var get = http.get(config.baseUrl() + "/key");
        headers().forEach(get::putHeader);
        return http.probe(NAME, get);
    }

    @Override
    public Uni<Reply> complete(Request request) {
        JsonObject body = body(request, false);
        var post = http.post(config.baseUrl() + "/chat/completions");
        headers().forEach(post::putHeader);
        return http.send(NAME, post, body).map(response -> {
            if (response.statusCode() != 200) {
                throw ProviderException.fromStatus(NAME, response.statusCode(), ProviderHttp.errorMessage(response),
                        ProviderHttp.retryAfterMs(response));
            }
            JsonObject json = ProviderHttp.json(NAME, response);
            if (json.getValue("error") instanceof JsonObject error) {
                int code = error.getValue("code") instanceof Number n ? n.intValue() : 502;
                throw ProviderException.fromStatus(NAME, code, error.getString("message"), null);
            }
            JsonArray choices = json.getJsonArray("choices");
            if (choices == null || choices.isEmpty()) {
                throw ProviderException.malformed(NAME, "no choices");
            }
            JsonObject choice = choices.getJsonObject(0);
            JsonObject message = choice.getJsonObject("message");
            String text = message == null ? null : message.getString("content");
            List<ToolCall> calls = new ArrayList<>();
            JsonArray toolCalls = message == null ? null : message.getJsonArray("tool_calls");
            if (toolCalls != null) {
                for (int i = 0; i < toolCalls.size(); i++) {
                    JsonObject call = toolCalls.getJsonObject(i);
                    JsonObject function = call.getJsonObject("function", new JsonObject());
                    calls.add(new ToolCall(call.getString("id"), function.getString("name"), function.getString("arguments", "{}")));
                }
            }
            if (text == null && calls.isEmpty()) {
                throw ProviderException.malformed(NAME, "no message content");
            }
            JsonObject usage = json.getJsonObject("usage");
            return new Reply(text == null ? "" : text, usage == null ? null : usage.getInteger("prompt_tokens"),
                    usage == null ? null : usage.getInteger("completion_tokens"), choice.getString("finish_reason"), calls);
        });
    }
}
