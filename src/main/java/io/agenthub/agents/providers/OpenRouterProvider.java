package io.agenthub.agents.providers;

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
        request.messages().forEach(m -> messages.add(new JsonObject().put("role", m.role()).put("content", m.content())));
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
        return body;
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
        if (choices != null && !choices.isEmpty()) {
            JsonObject choice = choices.getJsonObject(0);
            JsonObject delta = choice.getJsonObject("delta");
            text = delta == null ? null : delta.getString("content");
            finish = choice.getString("finish_reason");
        }
        JsonObject usage = json.getJsonObject("usage");
        return new Chunk(text, usage == null ? null : usage.getInteger("prompt_tokens"),
                usage == null ? null : usage.getInteger("completion_tokens"), finish);
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
            if (text == null) {
                throw ProviderException.malformed(NAME, "no message content");
            }
            JsonObject usage = json.getJsonObject("usage");
            return new Reply(text, usage == null ? null : usage.getInteger("prompt_tokens"),
                    usage == null ? null : usage.getInteger("completion_tokens"), choice.getString("finish_reason"));
        });
    }
}
