package io.agenthub.agents.providers;

import java.util.Map;

import jakarta.enterprise.context.ApplicationScoped;

import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;
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
        String url = target(new Request(providerModelId, agentConfig, java.util.List.of(), 1), false).url()
                .replace(":generateContent", "");
        return credentials.accessToken().chain(token -> http.probe(NAME, http.get(url).putHeader("Authorization", "Bearer " + token)));
    }

    @Override
    public Uni<Multi<Chunk>> stream(Request request, long firstTokenMs, long idleMs) {
        Target target = target(request, true);
        return credentials.accessToken()
                .chain(token -> http.openStream(NAME, target.url(), Map.of("Authorization", "Bearer " + token), target.body()))
                .onFailure().invoke(credentials::rejectedBy)
                .map(response -> SseStream.data(http.vertx(), response, NAME, firstTokenMs, idleMs).map(data -> {
                    JsonObject json;
                    try {
                        json = new JsonObject(data);
                    } catch (RuntimeException e) {
                        throw ProviderException.malformed(NAME, "an event is not JSON");
                    }
                    // every event is a whole response; usage is cumulative, so the last one counts
                    Reply part = reply(json);
                    return new Chunk(part.text(), part.inputTokens(), part.outputTokens(), part.finishReason());
                }));
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
        JsonArray contents = new JsonArray();
        StringBuilder system = new StringBuilder();
        for (Message m : request.messages()) {
            if (m.role().equals("system")) {
                system.append(system.isEmpty() ? "" : "\n\n").append(m.content());
            } else {
                contents.add(new JsonObject().put("role", m.role().equals("assistant") ? "model" : "user")
                        .put("parts", new JsonArray().add(new JsonObject().put("text", m.content()))));
            }
        }
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
        JsonObject body = new JsonObject().put("contents", contents).put("generationConfig", generation);
        if (!system.isEmpty()) {
            body.put("systemInstruction", new JsonObject().put("parts", new JsonArray().add(new JsonObject().put("text", system.toString()))));
        }
        return new Target(url, body);
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
            for (int i = 0; i < parts.size(); i++) {
                String t = parts.getJsonObject(i).getString("text");
                if (t != null) {
                    text.append(t);
                }
            }
            JsonObject usage = json.getJsonObject("usageMetadata");
            return new Reply(text.toString(), usage == null ? null : usage.getInteger("promptTokenCount"),
                    usage == null ? null : usage.getInteger("candidatesTokenCount"), candidate.getString("finishReason"));
    }
}
