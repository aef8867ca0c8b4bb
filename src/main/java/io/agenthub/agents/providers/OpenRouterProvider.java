package io.agenthub.agents.providers;

import jakarta.enterprise.context.ApplicationScoped;

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

    @Override
    public Uni<Reply> complete(Request request) {
        JsonArray messages = new JsonArray();
        request.messages().forEach(m -> messages.add(new JsonObject().put("role", m.role()).put("content", m.content())));
        JsonObject body = new JsonObject()
                .put("model", request.providerModelId())
                .put("messages", messages)
                .put("max_tokens", request.maxOutputTokens())
                .put("stream", false)
                .put("usage", new JsonObject().put("include", true));
        var post = http.post(config.baseUrl() + "/chat/completions")
                .putHeader("Authorization", "Bearer " + config.apiKey().orElse(""))
                .putHeader("HTTP-Referer", config.referer())
                .putHeader("X-Title", config.title());
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
