package io.agenthub.openai;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import com.openai.client.OpenAIClient;
import com.openai.client.okhttp.OpenAIOkHttpClient;
import com.openai.core.http.StreamResponse;
import com.openai.errors.NotFoundException;
import com.openai.models.chat.completions.ChatCompletion;
import com.openai.models.chat.completions.ChatCompletionChunk;
import com.openai.models.chat.completions.ChatCompletionCreateParams;
import com.openai.models.chat.completions.ChatCompletionStreamOptions;

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

    @BeforeEach
    void signIn() {
        fake.reset();
        Api user = Api.signIn(Tokens.unique("it-openai"), Tokens.unique("it-openai-org"), "owner");
        client = OpenAIOkHttpClient.builder().baseUrl("http://localhost:" + RestAssured.port + "/v1").apiKey(user.token())
                .maxRetries(0).build();
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
