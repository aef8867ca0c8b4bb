package io.agenthub.openai;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import com.openai.client.OpenAIClient;
import com.openai.client.okhttp.OpenAIOkHttpClient;
import com.openai.core.http.StreamResponse;
import com.openai.errors.NotFoundException;
import com.openai.helpers.ChatCompletionAccumulator;
import com.openai.models.chat.completions.ChatCompletion;
import com.openai.models.chat.completions.ChatCompletionChunk;
import com.openai.models.chat.completions.ChatCompletionCreateParams;
import com.openai.models.chat.completions.ChatCompletionStreamOptions;
import com.openai.models.chat.completions.ChatCompletionToolMessageParam;

import io.agenthub.testing.Api;
import io.agenthub.testing.FakeProviders;
import io.agenthub.testing.InjectFake;
import io.agenthub.testing.PackagedServices;
import io.agenthub.testing.Tokens;
import io.quarkus.test.common.TestResourceScope;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusIntegrationTest;
import io.restassured.RestAssured;

/** The OpenAI-compatible API of the packaged application (the jar, or the native executable), through the OpenAI SDK. */
@QuarkusIntegrationTest
@WithTestResource(value = FakeProviders.class, scope = TestResourceScope.GLOBAL)
@WithTestResource(PackagedServices.class)
class OpenAiCompletionIT {

    @InjectFake
    FakeProviders fake;

    OpenAIClient client;
    Api user;

    @BeforeEach
    void signIn() {
        fake.reset();
        user = Api.signIn(Tokens.unique("it-openai"), Tokens.unique("it-openai-org"), "owner");
        client = OpenAIOkHttpClient.builder().baseUrl("http://localhost:" + RestAssured.port + "/v1").apiKey(user.token())
                .maxRetries(0).build();
    }

    /** Tool calls both ways, streamed, in a session, sent twice with one Idempotency-Key: every body the package writes and reads back. */
    @Test
    void aToolRoundTripInASessionStreamedAndReplayed() {
        String session = user.request().body(java.util.Map.of("agent", "ccrouter", "model", "gemini-1.5-pro"))
                .post("/api/chat/sessions").then().statusCode(201).extract().path("id");
        OpenAIClient inSession = client.withOptions(o -> o.putHeader(CompletionService.SESSION_HEADER, session)
                .putHeader("Idempotency-Key", Tokens.unique("it-key")));
        ChatCompletionCreateParams ask = ChatCompletionCreateParams.builder().model("ccrouter/gemini-1.5-pro")
                .addTool(OpenAiToolsTest.weather()).addUserMessage("Weather in Paris?").build();
        java.util.List<ChatCompletion> twice = new java.util.ArrayList<>();
        for (int i = 0; i < 2; i++) {
            ChatCompletionAccumulator accumulator = ChatCompletionAccumulator.create();
            try (StreamResponse<ChatCompletionChunk> stream = inSession.chat().completions().createStreaming(ask)) {
                stream.stream().forEach(accumulator::accumulate);
            }
            twice.add(accumulator.chatCompletion());
        }
        var call = twice.get(0).choices().get(0).message().toolCalls().orElseThrow().get(0).asFunction();
        assertThat(call.function().arguments()).isEqualTo("{\"city\":\"Paris\"}");
        assertThat(twice.get(1).choices().get(0).message().toolCalls().orElseThrow().get(0).asFunction().id()).isEqualTo(call.id());
        assertThat(fake.vertexRequests).hasSize(1);

        ChatCompletion answer = client.withOptions(o -> o.putHeader(CompletionService.SESSION_HEADER, session)).chat().completions()
                .create(ChatCompletionCreateParams.builder().model("ccrouter/gemini-1.5-pro").addTool(OpenAiToolsTest.weather())
                        .addUserMessage("Weather in Paris?").addMessage(twice.get(0).choices().get(0).message())
                        .addMessage(ChatCompletionToolMessageParam.builder().toolCallId(call.id()).content("sunny").build()).build());
        assertThat(answer.choices().get(0).message().content().orElseThrow()).contains("the tool said \"sunny\"");
        user.request().get("/api/chat/sessions/" + session + "/messages").then().statusCode(200)
                .body("items.role", org.hamcrest.Matchers.contains("user", "assistant", "tool", "assistant"))
                .body("items[1].toolCalls[0].name", org.hamcrest.Matchers.equalTo("get_weather"));
    }

    @Test
    void aCompletionAStreamAndAnUnknownModel() {
        assertThat(client.models().list().data()).anySatisfy(m -> assertThat(m.id()).isEqualTo("droid/gpt-4"));

        ChatCompletion completion = client.chat().completions().create(ChatCompletionCreateParams.builder()
                .model("droid/gpt-4").addUserMessage("Hello from the package").temperature(0.5).build());
        assertThat(completion.choices().get(0).message().content().orElseThrow()).endsWith("heard: Hello from the package");
        assertThat(completion.usage().orElseThrow().totalTokens()).isEqualTo(19);

        StringBuilder text = new StringBuilder();
        long usageChunks;
        try (StreamResponse<ChatCompletionChunk> stream = client.chat().completions().createStreaming(
                ChatCompletionCreateParams.builder().model("ccrouter/gemini-1.5-pro").addUserMessage("Stream it")
                        .streamOptions(ChatCompletionStreamOptions.builder().includeUsage(true).build()).build())) {
            usageChunks = stream.stream().peek(chunk -> chunk.choices().forEach(c -> c.delta().content().ifPresent(text::append)))
                    .filter(chunk -> chunk.usage().isPresent()).count();
        }
        assertThat(text.toString()).isEqualTo("ccrouter streams too");
        assertThat(usageChunks).isEqualTo(1);

        assertThatThrownBy(() -> client.chat().completions().create(ChatCompletionCreateParams.builder()
                .model("droid/none").addUserMessage("hi").build()))
                .isInstanceOfSatisfying(NotFoundException.class, e -> assertThat(e.code()).contains("model_not_found"));
    }
}
