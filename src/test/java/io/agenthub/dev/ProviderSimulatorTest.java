package io.agenthub.dev;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * The dev-mode provider simulator on the wire, as the service's OpenRouter and Vertex AI clients
 * read it: JSON and event-stream replies that say they are simulated, usage, and the failures a
 * message asks for.
 */
class ProviderSimulatorTest {

    static final ObjectMapper JSON = new ObjectMapper();
    final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    final String url = ProviderSimulator.start().url();

    HttpResponse<String> post(String path, String body, String key) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create(url + path)).timeout(Duration.ofSeconds(10))
                .header("Authorization", "Bearer " + key).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
    }

    static String openRouter(String content, boolean stream) {
        return "{\"model\":\"openai/gpt-4\",\"stream\":" + stream + ",\"messages\":[{\"role\":\"system\",\"content\":\"Be brief.\"},"
                + "{\"role\":\"user\",\"content\":\"" + content + "\"}]}";
    }

    static String vertex(String content) {
        return "{\"contents\":[{\"role\":\"user\",\"parts\":[{\"text\":\"" + content + "\"}]}],\"generationConfig\":{\"maxOutputTokens\":64}}";
    }

    static final String GEMINI = "/v1/projects/simulated/locations/us-central1/publishers/google/models/gemini-1.5-pro";

    @Test
    void openRouterAnswersAsOpenRouterDoesAndSaysItIsSimulated() throws Exception {
        HttpResponse<String> response = post("/api/v1/chat/completions", openRouter("Hello there", false), ProviderSimulator.KEY);
        assertThat(response.statusCode()).isEqualTo(200);
        JsonNode json = JSON.readTree(response.body());
        assertThat(json.at("/choices/0/message/content").asText()).contains("simulated reply from droid (openai/gpt-4)")
                .contains("Hello there");
        assertThat(json.at("/choices/0/finish_reason").asText()).isEqualTo("stop");
        assertThat(json.at("/usage/completion_tokens").asInt()).isPositive();
        assertThat(json.at("/usage/total_tokens").asInt())
                .isEqualTo(json.at("/usage/prompt_tokens").asInt() + json.at("/usage/completion_tokens").asInt());
    }

    @Test
    void openRouterStreamsWordByWordThenUsageThenDone() throws Exception {
        long started = System.nanoTime();
        HttpResponse<String> response = post("/api/v1/chat/completions", openRouter("Stream please", true), ProviderSimulator.KEY);
        long tookMs = (System.nanoTime() - started) / 1_000_000;
        assertThat(response.headers().firstValue("Content-Type")).contains("text/event-stream");
        List<String> data = response.body().lines().filter(l -> l.startsWith("data: ")).map(l -> l.substring(6)).toList();
        assertThat(data.get(data.size() - 1)).isEqualTo("[DONE]");
        StringBuilder text = new StringBuilder();
        for (String event : data.subList(0, data.size() - 2)) {
            text.append(JSON.readTree(event).at("/choices/0/delta/content").asText());
        }
        assertThat(text.toString()).contains("simulated reply").contains("Stream please");
        JsonNode last = JSON.readTree(data.get(data.size() - 2));
        assertThat(last.at("/choices/0/finish_reason").asText()).isEqualTo("stop");
        assertThat(last.at("/usage/completion_tokens").asInt()).isEqualTo(data.size() - 2);
        assertThat(tookMs).as("paced like a model").isGreaterThanOrEqualTo((data.size() - 1) * ProviderSimulator.WORD_PACE_MS);
    }

    @Test
    void vertexAnswersAsGeminiDoesInJsonAndAsEvents() throws Exception {
        HttpResponse<String> response = post(GEMINI + ":generateContent", vertex("Hola"), ProviderSimulator.KEY);
        JsonNode json = JSON.readTree(response.body());
        assertThat(json.at("/candidates/0/content/parts/0/text").asText()).contains("simulated reply from ccrouter (gemini-1.5-pro)");
        assertThat(json.at("/candidates/0/finishReason").asText()).isEqualTo("STOP");
        assertThat(json.at("/usageMetadata/candidatesTokenCount").asInt()).isPositive();

        HttpResponse<String> streamed = post(GEMINI + ":streamGenerateContent?alt=sse", vertex("Hola"), ProviderSimulator.KEY);
        List<String> data = streamed.body().lines().filter(l -> l.startsWith("data: ")).map(l -> l.substring(6)).toList();
        assertThat(data).hasSizeGreaterThan(3);
        assertThat(JSON.readTree(data.get(data.size() - 1)).at("/candidates/0/finishReason").asText()).isEqualTo("STOP");

        HttpResponse<String> probe = http.send(HttpRequest.newBuilder(URI.create(url + GEMINI))
                .header("Authorization", "Bearer " + ProviderSimulator.KEY).GET().build(), HttpResponse.BodyHandlers.ofString());
        assertThat(probe.statusCode()).isEqualTo(200);
    }

    @Test
    void failuresComeWhenAMessageAsksForThem() throws Exception {
        HttpResponse<String> error = post("/api/v1/chat/completions", openRouter("now " + ProviderSimulator.ERROR, false),
                ProviderSimulator.KEY);
        assertThat(error.statusCode()).isEqualTo(500);
        assertThat(JSON.readTree(error.body()).at("/error/message").asText()).contains("Simulated");

        HttpResponse<String> limited = post(GEMINI + ":generateContent", vertex("please " + ProviderSimulator.RATE_LIMIT),
                ProviderSimulator.KEY);
        assertThat(limited.statusCode()).isEqualTo(429);
        assertThat(limited.headers().firstValue("Retry-After")).contains("2");
        assertThat(JSON.readTree(limited.body()).at("/error/status").asText()).isEqualTo("RESOURCE_EXHAUSTED");

        HttpRequest stalled = HttpRequest.newBuilder(URI.create(url + "/api/v1/chat/completions")).timeout(Duration.ofMillis(500))
                .header("Authorization", "Bearer " + ProviderSimulator.KEY)
                .POST(HttpRequest.BodyPublishers.ofString(openRouter(ProviderSimulator.TIMEOUT, false))).build();
        try {
            http.send(stalled, HttpResponse.BodyHandlers.ofString());
            throw new AssertionError("a simulated timeout answered");
        } catch (java.net.http.HttpTimeoutException expected) {
            assertThat(expected).hasMessageContaining("timed out");
        }
    }

    @Test
    void otherCredentialsAreRefusedAsTheProvidersRefuseThem() throws Exception {
        assertThat(post("/api/v1/chat/completions", openRouter("hi", false), "sk-or-real").statusCode()).isEqualTo(401);
        HttpResponse<String> vertex = post(GEMINI + ":generateContent", vertex("hi"), "ya29.real");
        assertThat(vertex.statusCode()).isEqualTo(401);
        assertThat(JSON.readTree(vertex.body()).at("/error/status").asText()).isEqualTo("UNAUTHENTICATED");
    }

    static final String WEATHER = "{\"type\":\"function\",\"function\":{\"name\":\"get_weather\",\"parameters\":{\"type\":\"object\","
            + "\"properties\":{\"city\":{\"type\":\"string\"},\"days\":{\"type\":\"integer\"}},\"required\":[\"city\",\"days\"]}}}";

    @Test
    void offeredToolsItCallsOneAndAnswersItsResultInBothWireFormats() throws Exception {
        JsonNode call = JSON.readTree(post("/api/v1/chat/completions", "{\"model\":\"openai/gpt-4\",\"tools\":[" + WEATHER + "],"
                + "\"messages\":[{\"role\":\"user\",\"content\":\"Weather?\"}]}", ProviderSimulator.KEY).body());
        assertThat(call.at("/choices/0/finish_reason").asText()).isEqualTo("tool_calls");
        JsonNode toolCall = call.at("/choices/0/message/tool_calls/0");
        assertThat(toolCall.at("/function/name").asText()).isEqualTo("get_weather");
        assertThat(JSON.readTree(toolCall.at("/function/arguments").asText()).path("days").isInt()).isTrue();

        String answered = "{\"model\":\"openai/gpt-4\",\"stream\":true,\"tools\":[" + WEATHER + "],\"messages\":["
                + "{\"role\":\"user\",\"content\":\"Weather?\"},{\"role\":\"assistant\",\"content\":null,\"tool_calls\":["
                + toolCall + "]},{\"role\":\"tool\",\"tool_call_id\":\"" + toolCall.path("id").asText() + "\",\"content\":\"sunny\"}]}";
        String streamed = post("/api/v1/chat/completions", answered, ProviderSimulator.KEY).body();
        assertThat(streamed).contains("simulated").contains("sunny").contains("[DONE]");

        String geminiTools = ",\"tools\":[{\"functionDeclarations\":[{\"name\":\"get_weather\",\"parametersJsonSchema\":"
                + "{\"type\":\"object\",\"properties\":{\"city\":{\"type\":\"string\"}},\"required\":[\"city\"]}}]}]}";
        JsonNode gemini = JSON.readTree(post(GEMINI + ":generateContent", vertex("Weather?").replaceAll("}$", "") + geminiTools,
                ProviderSimulator.KEY).body());
        assertThat(gemini.at("/candidates/0/content/parts/0/functionCall/name").asText()).isEqualTo("get_weather");
        assertThat(gemini.at("/candidates/0/content/parts/0/functionCall/args/city").asText()).isEqualTo("Paris");

        String unanswered = "{\"contents\":[{\"role\":\"user\",\"parts\":[{\"text\":\"hi\"}]},{\"role\":\"user\",\"parts\":"
                + "[{\"functionResponse\":{\"name\":\"get_weather\",\"response\":{\"content\":\"sunny\"}}}]}]}";
        HttpResponse<String> refused = post(GEMINI + ":generateContent", unanswered, ProviderSimulator.KEY);
        assertThat(refused.statusCode()).as("a function response must answer the model's call before it").isEqualTo(400);
    }

    @Test
    void askedForJsonItAnswersJson() throws Exception {
        JsonNode reply = JSON.readTree(post("/api/v1/chat/completions", "{\"model\":\"openai/gpt-4\",\"response_format\":"
                + "{\"type\":\"json_object\"},\"messages\":[{\"role\":\"user\",\"content\":\"JSON please\"}]}", ProviderSimulator.KEY)
                .body());
        assertThat(JSON.readTree(reply.at("/choices/0/message/content").asText()).path("simulated").asBoolean()).isTrue();
    }
}
