package io.agenthub.openai;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.hamcrest.Matchers.equalTo;

import java.net.URL;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.openai.client.OpenAIClient;
import com.openai.client.okhttp.OpenAIOkHttpClient;
import com.openai.core.JsonValue;
import com.openai.core.http.StreamResponse;
import com.openai.errors.BadRequestException;
import com.openai.errors.NotFoundException;
import com.openai.errors.PermissionDeniedException;
import com.openai.errors.UnauthorizedException;
import com.openai.errors.UnprocessableEntityException;
import com.openai.models.chat.completions.ChatCompletion;
import com.openai.models.chat.completions.ChatCompletionChunk;
import com.openai.models.chat.completions.ChatCompletionCreateParams;
import com.openai.models.chat.completions.ChatCompletionStreamOptions;
import com.openai.models.models.Model;

import io.agenthub.testing.Api;
import io.agenthub.testing.Database;
import io.agenthub.testing.Database.Caller;
import io.agenthub.testing.FakeProviders;
import io.agenthub.testing.FakeProviders.Scripted;
import io.agenthub.testing.FakeProviders.ScriptedStream;
import io.agenthub.testing.InjectFake;
import io.agenthub.testing.Tokens;
import io.agenthub.testing.Turns;
import io.quarkus.test.common.TestResourceScope;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;

/** The OpenAI-compatible API driven by the official OpenAI Java SDK, as the clients people use drive it. */
@QuarkusTest
@WithTestResource(value = FakeProviders.class, scope = TestResourceScope.GLOBAL)
class OpenAiCompatibleApiTest {

    @InjectFake
    FakeProviders fake;

    @TestHTTPResource("/v1")
    URL v1;

    Api owner;
    String org;

    @BeforeEach
    void signIn() {
        fake.reset();
        org = Tokens.unique("openai-org");
        owner = Api.signIn(Tokens.unique("openai-owner"), org, "owner");
    }

    @AfterEach
    void everyCallEnded() throws Exception {
        Turns.assertEveryTurnEnded(owner);
    }

    /** The SDK as an application configures it, pointed at Agent Hub; no retries, so each test sees one call. */
    OpenAIClient client(String token) {
        return OpenAIOkHttpClient.builder().baseUrl(v1.toString()).apiKey(token).maxRetries(0).build();
    }

    @Test
    void modelsAreListedAsAgentSlashModel() {
        List<String> ids = client(owner.token()).models().list().data().stream().map(Model::id).toList();
        assertThat(ids).contains("droid/gpt-4", "droid/claude-3-opus", "ccrouter/gemini-1.5-pro", "ccrouter/gemini-1.5-flash");
        Model droid = client(owner.token()).models().list().data().stream().filter(m -> m.id().equals("droid/gpt-4")).findFirst()
                .orElseThrow();
        assertThat(droid.ownedBy()).isEqualTo("droid");
    }

    @Test
    void aCompletionThroughOpenRouterCarriesPromptsSamplingAndIsRecorded() throws Exception {
        owner.request().body(Map.of("scope", "organization", "name", "house", "content", "Be concise.", "priority", 1))
                .post("/api/system-prompts").then().statusCode(201);
        ChatCompletion completion = client(owner.token()).chat().completions().create(ChatCompletionCreateParams.builder()
                .model("droid/claude-3-opus")
                .addDeveloperMessage("Answer in English.")
                .addUserMessage("What is a circuit breaker?")
                .temperature(0.2).topP(0.9).maxCompletionTokens(64L).stop("END")
                .build());

        assertThat(completion.model()).isEqualTo("droid/claude-3-opus");
        assertThat(completion.choices()).hasSize(1);
        assertThat(completion.choices().get(0).message().content()).contains("droid(anthropic/claude-3-opus) heard: What is a circuit breaker?");
        assertThat(completion.choices().get(0).finishReason()).isEqualTo(ChatCompletion.Choice.FinishReason.STOP);
        assertThat(completion.usage().orElseThrow().promptTokens()).isEqualTo(12);
        assertThat(completion.usage().orElseThrow().completionTokens()).isEqualTo(7);
        assertThat(completion.usage().orElseThrow().totalTokens()).isEqualTo(19);

        JsonNode sent = fake.openRouterRequests.get(0);
        assertThat(sent.path("messages").findValuesAsText("role")).containsExactly("system", "system", "user");
        assertThat(sent.path("messages").findValuesAsText("content"))
                .containsExactly("Be concise.", "Answer in English.", "What is a circuit breaker?");
        assertThat(sent.path("temperature").asDouble()).isEqualTo(0.2);
        assertThat(sent.path("top_p").asDouble()).isEqualTo(0.9);
        assertThat(sent.path("max_tokens").asInt()).isEqualTo(64);
        assertThat(sent.path("stop").get(0).asText()).isEqualTo("END");

        String execution = completion.id().substring("chatcmpl-".length());
        long recorded = Database.as(Caller.system(), c -> Database.count(c, """
                SELECT count(*) FROM agent_executions e JOIN users u ON u.id = e.user_id
                WHERE e.id = ?::uuid AND u.oidc_subject = ? AND e.session_id IS NULL AND e.status = 'success'
                  AND e.input_tokens = 12 AND e.output_tokens = 7 AND e.latency_ms IS NOT NULL AND e.hub_overhead_ms IS NOT NULL""",
                execution, owner.subject()));
        assertThat(recorded).isEqualTo(1);
    }

    @Test
    void aCompletionThroughVertexAiTranslatesSamplingToGenerationConfig() {
        ChatCompletion completion = client(owner.token()).chat().completions().create(ChatCompletionCreateParams.builder()
                .model("ccrouter/gemini-1.5-pro").addUserMessage("Hello Gemini").temperature(0.7).maxTokens(100L).build());
        assertThat(completion.choices().get(0).message().content()).contains("ccrouter heard: Hello Gemini");
        assertThat(completion.usage().orElseThrow().totalTokens()).isEqualTo(30);
        JsonNode generation = fake.vertexRequests.get(0).path("generationConfig");
        assertThat(generation.path("temperature").asDouble()).isEqualTo(0.7);
        assertThat(generation.path("maxOutputTokens").asInt()).isEqualTo(100);
    }

    @Test
    void aStreamedCompletionSendsChunksThenUsageThenDone() throws Exception {
        StringBuilder text = new StringBuilder();
        List<ChatCompletionChunk> chunks = new ArrayList<>();
        try (StreamResponse<ChatCompletionChunk> stream = client(owner.token()).chat().completions().createStreaming(
                ChatCompletionCreateParams.builder().model("droid/claude-3-opus").addUserMessage("Stream it")
                        .streamOptions(ChatCompletionStreamOptions.builder().includeUsage(true).build()).build())) {
            stream.stream().forEach(chunk -> {
                chunks.add(chunk);
                chunk.choices().forEach(choice -> choice.delta().content().ifPresent(text::append));
            });
        }
        assertThat(text.toString()).isEqualTo("droid(anthropic/claude-3-opus) streams back");
        assertThat(chunks.get(0).choices().get(0).delta().role()).contains(ChatCompletionChunk.Choice.Delta.Role.ASSISTANT);
        ChatCompletionChunk finish = chunks.get(chunks.size() - 2);
        assertThat(finish.choices().get(0).finishReason()).contains(ChatCompletionChunk.Choice.FinishReason.STOP);
        ChatCompletionChunk usage = chunks.get(chunks.size() - 1);
        assertThat(usage.choices()).isEmpty();
        assertThat(usage.usage().orElseThrow().promptTokens()).isEqualTo(30);
        assertThat(usage.usage().orElseThrow().completionTokens()).isEqualTo(5);

        long recorded = Database.as(Caller.system(), c -> Database.count(c, """
                SELECT count(*) FROM agent_executions e JOIN users u ON u.id = e.user_id
                WHERE e.id = ?::uuid AND u.oidc_subject = ? AND e.session_id IS NULL AND e.status = 'success' AND e.streamed
                  AND e.input_tokens = 30 AND e.output_tokens = 5 AND e.time_to_first_token_ms IS NOT NULL""",
                chunks.get(0).id().substring("chatcmpl-".length()), owner.subject()));
        assertThat(recorded).isEqualTo(1);
    }

    @Test
    void aStreamedCompletionFromVertexAiAndOneWithoutUsage() {
        StringBuilder text = new StringBuilder();
        List<ChatCompletionChunk> chunks = new ArrayList<>();
        try (StreamResponse<ChatCompletionChunk> stream = client(owner.token()).chat().completions().createStreaming(
                ChatCompletionCreateParams.builder().model("ccrouter/gemini-1.5-flash").addUserMessage("Stream it").build())) {
            stream.stream().forEach(chunk -> {
                chunks.add(chunk);
                chunk.choices().forEach(choice -> choice.delta().content().ifPresent(text::append));
            });
        }
        assertThat(text.toString()).isEqualTo("ccrouter streams too");
        assertThat(chunks).allSatisfy(chunk -> assertThat(chunk.usage()).isEmpty());
        assertThat(fake.vertexPaths.get(0)).contains(":streamGenerateContent");
    }

    @Test
    void anErrorMidStreamIsTheStreamsLastEventAndClosesItsExecution() throws Exception {
        fake.scriptStream(new ScriptedStream(List.of(
                "data: {\"choices\":[{\"index\":0,\"delta\":{\"content\":\"Half an \"}}]}",
                "data: {\"error\":{\"code\":502,\"message\":\"Provider disconnected\"},\"choices\":[]}"), 300, 0));
        StringBuilder text = new StringBuilder();
        assertThatThrownBy(() -> {
            try (StreamResponse<ChatCompletionChunk> stream = client(owner.token()).chat().completions().createStreaming(
                    ChatCompletionCreateParams.builder().model("droid/gpt-4").addUserMessage("go").build())) {
                stream.stream().forEach(chunk -> chunk.choices().forEach(c -> c.delta().content().ifPresent(text::append)));
            }
        }).hasMessageContaining("Provider disconnected");
        assertThat(text.toString()).isEqualTo("Half an ");
        long failed = Database.as(Caller.system(), c -> Database.count(c, """
                SELECT count(*) FROM agent_executions e JOIN users u ON u.id = e.user_id
                WHERE u.oidc_subject = ? AND e.status = 'error' AND e.streamed AND e.time_to_first_token_ms IS NOT NULL""",
                owner.subject()));
        assertThat(failed).isEqualTo(1);
    }

    @Test
    void aStreamRefusedBeforeItsFirstChunkIsAPlainError() {
        fake.scriptOpenRouter(Scripted.error(400, Map.of("error", Map.of("code", 400, "message", "context length exceeded"))));
        assertThatThrownBy(() -> {
            try (StreamResponse<ChatCompletionChunk> stream = client(owner.token()).chat().completions().createStreaming(
                    ChatCompletionCreateParams.builder().model("droid/gpt-4").addUserMessage("hi").build())) {
                stream.stream().forEach(chunk -> { });
            }
        }).isInstanceOf(UnprocessableEntityException.class);
    }

    @Test
    void anUnknownModelIsNotFoundInOpenAisShape() {
        assertThatThrownBy(() -> client(owner.token()).chat().completions().create(ChatCompletionCreateParams.builder()
                .model("droid/no-such-model").addUserMessage("hi").build()))
                .isInstanceOfSatisfying(NotFoundException.class, e -> {
                    assertThat(e.statusCode()).isEqualTo(404);
                    assertThat(e.code()).contains("model_not_found");
                    assertThat(e.type()).contains("invalid_request_error");
                });
        given().body("{\"model\":\"nothing\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}")
                .post("/v1/chat/completions").then().statusCode(400).contentType("application/json")
                .body("error.param", equalTo("model")).body("error.type", equalTo("invalid_request_error"));
    }

    @Test
    void aViewerListsModelsButCannotCompleteAndAStrangerIsRefused() {
        Api viewer = Api.signIn(Tokens.unique("openai-viewer"), org, "viewer");
        assertThat(client(viewer.token()).models().list().data()).isNotEmpty();
        assertThatThrownBy(() -> client(viewer.token()).chat().completions().create(ChatCompletionCreateParams.builder()
                .model("droid/gpt-4").addUserMessage("hi").build()))
                .isInstanceOfSatisfying(PermissionDeniedException.class, e -> assertThat(e.type()).contains("permission_error"));
        assertThatThrownBy(() -> client(Tokens.forged("mallory", org, "owner")).models().list())
                .isInstanceOf(UnauthorizedException.class);
        assertThat(fake.openRouterRequests).isEmpty();
    }

    @Test
    void badBodiesAndWhatIsNotHonouredAreRefusedByName() {
        assertThatThrownBy(() -> client(owner.token()).chat().completions().create(ChatCompletionCreateParams.builder()
                .model("droid/gpt-4").addUserMessage("hi").temperature(3.0).build()))
                .isInstanceOfSatisfying(BadRequestException.class, e -> assertThat(e.param()).contains("temperature"));
        assertThatThrownBy(() -> client(owner.token()).chat().completions().create(ChatCompletionCreateParams.builder()
                .model("droid/gpt-4").addUserMessage("hi").n(2L).build()))
                .isInstanceOfSatisfying(BadRequestException.class, e -> assertThat(e.param()).contains("n"));
        given().body("{\"model\":\"droid/gpt-4\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}],"
                + "\"tools\":[{\"type\":\"retrieval\"}]}")
                .post("/v1/chat/completions").then().statusCode(400).body("error.param", equalTo("tools[0].type"));
        given().body("{\"model\":\"droid/gpt-4\",\"messages\":[]}").post("/v1/chat/completions").then().statusCode(400)
                .body("error.param", equalTo("messages"));
        given().body("{\"model\":").post("/v1/chat/completions").then().statusCode(400).contentType("application/json")
                .body("error.type", equalTo("invalid_request_error"));
        assertThat(fake.openRouterRequests).isEmpty();
    }

    @Test
    void aProviderRefusalKeepsItsStatusAndItsExecutionIsClosed() throws Exception {
        fake.scriptOpenRouter(Scripted.error(400, Map.of("error", Map.of("code", 400, "message", "context length exceeded"))));
        assertThatThrownBy(() -> client(owner.token()).chat().completions().create(ChatCompletionCreateParams.builder()
                .model("droid/gpt-4").addUserMessage("hi").putAdditionalBodyProperty("metadata", JsonValue.from(Map.of("k", "v")))
                .build()))
                .isInstanceOfSatisfying(UnprocessableEntityException.class, e -> {
                    assertThat(e.type()).contains("invalid_request_error");
                    assertThat(e.getMessage()).contains("context length exceeded");
                });
        long failed = Database.as(Caller.system(), c -> Database.count(c, """
                SELECT count(*) FROM agent_executions e JOIN users u ON u.id = e.user_id
                WHERE u.oidc_subject = ? AND e.status = 'error' AND e.completed_at IS NOT NULL AND e.error_code IS NOT NULL""",
                owner.subject()));
        assertThat(failed).isEqualTo(1);
    }

    @Test
    void aProviderStillRateLimitingAfterRetriesIsA429WithRetryAfter() {
        Scripted limited = new Scripted(429, Map.of("error", Map.of("code", 429, "message", "Rate limit exceeded")),
                Map.of("Retry-After", "1"), 0);
        fake.scriptOpenRouter(limited, limited, limited, limited, limited, limited);
        given().body("{\"model\":\"droid/gpt-4\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}")
                .post("/v1/chat/completions").then().statusCode(429).header("Retry-After", "1")
                .body("error.type", equalTo("rate_limit_error")).body("error.code", equalTo("rate_limit_exceeded"));
    }

    private io.restassured.specification.RequestSpecification given() {
        return owner.request();
    }
}
