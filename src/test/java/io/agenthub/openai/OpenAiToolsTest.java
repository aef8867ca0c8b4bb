package io.agenthub.openai;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.hamcrest.Matchers.equalTo;

import java.net.URL;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.openai.client.OpenAIClient;
import com.openai.client.okhttp.OpenAIOkHttpClient;
import com.openai.core.JsonValue;
import com.openai.core.http.StreamResponse;
import com.openai.errors.BadRequestException;
import com.openai.helpers.ChatCompletionAccumulator;
import com.openai.models.FunctionDefinition;
import com.openai.models.FunctionParameters;
import com.openai.models.ResponseFormatJsonObject;
import com.openai.models.ResponseFormatJsonSchema;
import com.openai.models.chat.completions.ChatCompletion;
import com.openai.models.chat.completions.ChatCompletionChunk;
import com.openai.models.chat.completions.ChatCompletionCreateParams;
import com.openai.models.chat.completions.ChatCompletionFunctionTool;
import com.openai.models.chat.completions.ChatCompletionMessage;
import com.openai.models.chat.completions.ChatCompletionMessageFunctionToolCall;
import com.openai.models.chat.completions.ChatCompletionNamedToolChoice;
import com.openai.models.chat.completions.ChatCompletionToolMessageParam;

import io.agenthub.testing.Api;
import io.agenthub.testing.Database;
import io.agenthub.testing.Database.Caller;
import io.agenthub.testing.FakeProviders;
import io.agenthub.testing.InjectFake;
import io.agenthub.testing.Tokens;
import io.agenthub.testing.Turns;
import io.quarkus.test.common.TestResourceScope;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;

/**
 * Tools and response formats through {@code /v1}, driven by the OpenAI SDK: a whole round trip
 * (the model calls a function, the client runs it and sends the result, the model answers) on
 * OpenRouter, which speaks OpenAI's shapes, and on Vertex AI, which Agent Hub translates to and
 * from Gemini's functionDeclarations, functionCall and functionResponse.
 */
@QuarkusTest
@WithTestResource(value = FakeProviders.class, scope = TestResourceScope.GLOBAL)
class OpenAiToolsTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    @InjectFake
    FakeProviders fake;

    @TestHTTPResource("/v1")
    URL v1;

    Api owner;

    @BeforeEach
    void signIn() {
        fake.reset();
        owner = Api.signIn(Tokens.unique("tools-owner"), Tokens.unique("tools-org"), "owner");
    }

    @AfterEach
    void everyCallEnded() throws Exception {
        Turns.assertEveryTurnEnded(owner);
    }

    OpenAIClient client() {
        return OpenAIOkHttpClient.builder().baseUrl(v1.toString()).apiKey(owner.token()).maxRetries(0).build();
    }

    static ChatCompletionFunctionTool weather() {
        return ChatCompletionFunctionTool.builder().function(FunctionDefinition.builder().name("get_weather")
                .description("The weather in a city now")
                .parameters(FunctionParameters.builder()
                        .putAdditionalProperty("type", JsonValue.from("object"))
                        .putAdditionalProperty("properties", JsonValue.from(Map.of("city", Map.of("type", "string"))))
                        .putAdditionalProperty("required", JsonValue.from(List.of("city")))
                        .build())
                .build()).build();
    }

    static ChatCompletionFunctionTool clock() {
        return ChatCompletionFunctionTool.builder().function(FunctionDefinition.builder().name("get_time").build()).build();
    }

    /** The model's tool call, run by the client: its result goes back with the conversation. */
    ChatCompletion roundTrip(String model, ChatCompletion first, String question) {
        ChatCompletionMessage asked = first.choices().get(0).message();
        ChatCompletionMessageFunctionToolCall call = asked.toolCalls().orElseThrow().get(0).asFunction();
        return client().chat().completions().create(ChatCompletionCreateParams.builder().model(model).addTool(weather())
                .addUserMessage(question)
                .addMessage(asked)
                .addMessage(ChatCompletionToolMessageParam.builder().toolCallId(call.id()).content("{\"celsius\":18,\"sky\":\"clear\"}")
                        .build())
                .build());
    }

    @Test
    void aToolRoundTripThroughOpenRouterPassesOpenAisShapesThrough() throws Exception {
        ChatCompletion first = client().chat().completions().create(ChatCompletionCreateParams.builder().model("droid/gpt-4")
                .addTool(weather()).addUserMessage("What is the weather in Paris?").build());

        ChatCompletion.Choice choice = first.choices().get(0);
        assertThat(choice.finishReason()).isEqualTo(ChatCompletion.Choice.FinishReason.TOOL_CALLS);
        assertThat(choice.message().content()).isEmpty();
        ChatCompletionMessageFunctionToolCall call = choice.message().toolCalls().orElseThrow().get(0).asFunction();
        assertThat(call.id()).isEqualTo("call_or_1");
        assertThat(call.function().name()).isEqualTo("get_weather");
        assertThat(JSON.readTree(call.function().arguments())).isEqualTo(JSON.readTree("{\"city\":\"Paris\"}"));
        JsonNode sent = fake.openRouterRequests.get(0);
        assertThat(sent.path("tools").get(0).path("function").path("name").asText()).isEqualTo("get_weather");
        assertThat(sent.path("tools").get(0).path("function").path("parameters").path("required").get(0).asText()).isEqualTo("city");
        assertThat(sent.path("tool_choice").asText()).isEqualTo("auto");

        ChatCompletion answer = roundTrip("droid/gpt-4", first, "What is the weather in Paris?");
        assertThat(answer.choices().get(0).message().content().orElseThrow()).contains("the tool said {\"celsius\":18,\"sky\":\"clear\"}");
        assertThat(answer.choices().get(0).finishReason()).isEqualTo(ChatCompletion.Choice.FinishReason.STOP);
        JsonNode messages = fake.openRouterRequests.get(1).path("messages");
        JsonNode assistant = messages.get(messages.size() - 2);
        assertThat(assistant.path("role").asText()).isEqualTo("assistant");
        assertThat(assistant.path("tool_calls").get(0).path("id").asText()).isEqualTo("call_or_1");
        assertThat(assistant.path("tool_calls").get(0).path("function").path("arguments").asText()).isEqualTo("{\"city\":\"Paris\"}");
        assertThat(messages.get(messages.size() - 1).path("role").asText()).isEqualTo("tool");
        assertThat(messages.get(messages.size() - 1).path("tool_call_id").asText()).isEqualTo("call_or_1");

        long recorded = Database.as(Caller.system(), c -> Database.count(c, """
                SELECT count(*) FROM agent_executions e JOIN users u ON u.id = e.user_id
                WHERE u.oidc_subject = ? AND e.status = 'success' AND e.input_tokens IS NOT NULL""", owner.subject()));
        assertThat(recorded).isEqualTo(2);
    }

    @Test
    void aToolRoundTripThroughVertexAiIsTranslatedToGeminisFunctions() {
        ChatCompletion first = client().chat().completions().create(ChatCompletionCreateParams.builder()
                .model("ccrouter/gemini-1.5-pro").addTool(weather()).addTool(clock()).addUserMessage("Weather in Paris?").build());

        ChatCompletion.Choice choice = first.choices().get(0);
        assertThat(choice.finishReason()).isEqualTo(ChatCompletion.Choice.FinishReason.TOOL_CALLS);
        ChatCompletionMessageFunctionToolCall call = choice.message().toolCalls().orElseThrow().get(0).asFunction();
        assertThat(call.id()).startsWith("call_");
        assertThat(call.function().name()).isEqualTo("get_weather");
        assertThat(call.function().arguments()).isEqualTo("{\"city\":\"Paris\"}");
        JsonNode sent = fake.vertexRequests.get(0);
        JsonNode declarations = sent.path("tools").get(0).path("functionDeclarations");
        assertThat(declarations.findValuesAsText("name")).containsExactly("get_weather", "get_time");
        assertThat(declarations.get(0).path("parametersJsonSchema").path("properties").has("city")).isTrue();
        assertThat(declarations.get(1).path("parametersJsonSchema").path("type").asText()).isEqualTo("object");
        assertThat(sent.path("toolConfig").path("functionCallingConfig").path("mode").asText()).isEqualTo("AUTO");

        ChatCompletion answer = roundTrip("ccrouter/gemini-1.5-pro", first, "Weather in Paris?");
        assertThat(answer.choices().get(0).message().content().orElseThrow()).contains("the tool said {\"celsius\":18,\"sky\":\"clear\"}");
        JsonNode contents = fake.vertexRequests.get(1).path("contents");
        assertThat(contents.get(1).path("role").asText()).isEqualTo("model");
        assertThat(contents.get(1).path("parts").get(0).path("functionCall").path("name").asText()).isEqualTo("get_weather");
        assertThat(contents.get(1).path("parts").get(0).path("functionCall").path("args").path("city").asText()).isEqualTo("Paris");
        JsonNode response = contents.get(2).path("parts").get(0).path("functionResponse");
        assertThat(contents.get(2).path("role").asText()).isEqualTo("user");
        assertThat(response.path("name").asText()).isEqualTo("get_weather");
        assertThat(response.path("response").path("content").path("celsius").asInt()).isEqualTo(18);
    }

    @Test
    void streamedToolCallsArriveAsOpenAisDeltasFromBothProviders() throws Exception {
        for (String model : List.of("droid/gpt-4", "ccrouter/gemini-1.5-flash")) {
            ChatCompletionAccumulator accumulator = ChatCompletionAccumulator.create();
            try (StreamResponse<ChatCompletionChunk> stream = client().chat().completions().createStreaming(
                    ChatCompletionCreateParams.builder().model(model).addTool(weather()).addUserMessage("Weather in Paris?").build())) {
                stream.stream().forEach(accumulator::accumulate);
            }
            ChatCompletion streamed = accumulator.chatCompletion();
            assertThat(streamed.choices().get(0).finishReason()).as(model).isEqualTo(ChatCompletion.Choice.FinishReason.TOOL_CALLS);
            ChatCompletionMessageFunctionToolCall call = streamed.choices().get(0).message().toolCalls().orElseThrow().get(0)
                    .asFunction();
            assertThat(call.function().name()).as(model).isEqualTo("get_weather");
            assertThat(JSON.readTree(call.function().arguments())).as(model).isEqualTo(JSON.readTree("{\"city\":\"Paris\"}"));
        }
        long streamed = Database.as(Caller.system(), c -> Database.count(c, """
                SELECT count(*) FROM agent_executions e JOIN users u ON u.id = e.user_id
                WHERE u.oidc_subject = ? AND e.status = 'success' AND e.streamed AND e.time_to_first_token_ms IS NOT NULL""",
                owner.subject()));
        assertThat(streamed).isEqualTo(2);
    }

    @Test
    void aNamedToolChoiceBindsBothProviders() {
        ChatCompletionNamedToolChoice time = ChatCompletionNamedToolChoice.builder()
                .function(ChatCompletionNamedToolChoice.Function.builder().name("get_time").build()).build();
        ChatCompletion droid = client().chat().completions().create(ChatCompletionCreateParams.builder().model("droid/gpt-4")
                .addTool(weather()).addTool(clock()).toolChoice(time).addUserMessage("What time is it?").build());
        assertThat(droid.choices().get(0).message().toolCalls().orElseThrow().get(0).asFunction().function().name())
                .isEqualTo("get_time");
        assertThat(fake.openRouterRequests.get(0).path("tool_choice").path("function").path("name").asText()).isEqualTo("get_time");

        ChatCompletion gemini = client().chat().completions().create(ChatCompletionCreateParams.builder()
                .model("ccrouter/gemini-1.5-pro").addTool(weather()).addTool(clock()).toolChoice(time).addUserMessage("Time?").build());
        assertThat(gemini.choices().get(0).message().toolCalls().orElseThrow().get(0).asFunction().function().name())
                .isEqualTo("get_time");
        JsonNode calling = fake.vertexRequests.get(0).path("toolConfig").path("functionCallingConfig");
        assertThat(calling.path("mode").asText()).isEqualTo("ANY");
        assertThat(calling.path("allowedFunctionNames").get(0).asText()).isEqualTo("get_time");
    }

    @Test
    void jsonResponseFormatsReachBothProviders() throws Exception {
        ChatCompletion droid = client().chat().completions().create(ChatCompletionCreateParams.builder().model("droid/gpt-4")
                .responseFormat(ResponseFormatJsonObject.builder().build()).addUserMessage("Answer in JSON").build());
        assertThat(JSON.readTree(droid.choices().get(0).message().content().orElseThrow()).path("heard").asText())
                .isEqualTo("Answer in JSON");
        assertThat(fake.openRouterRequests.get(0).path("response_format").path("type").asText()).isEqualTo("json_object");

        ResponseFormatJsonSchema schema = ResponseFormatJsonSchema.builder().jsonSchema(ResponseFormatJsonSchema.JsonSchema.builder()
                .name("heard").strict(true).schema(ResponseFormatJsonSchema.JsonSchema.Schema.builder()
                        .putAdditionalProperty("type", JsonValue.from("object"))
                        .putAdditionalProperty("properties", JsonValue.from(Map.of("heard", Map.of("type", "string"))))
                        .build())
                .build()).build();
        ChatCompletion gemini = client().chat().completions().create(ChatCompletionCreateParams.builder()
                .model("ccrouter/gemini-1.5-pro").responseFormat(schema).addUserMessage("Answer in JSON").build());
        assertThat(JSON.readTree(gemini.choices().get(0).message().content().orElseThrow()).path("heard").asText())
                .isEqualTo("Answer in JSON");
        JsonNode generation = fake.vertexRequests.get(0).path("generationConfig");
        assertThat(generation.path("responseMimeType").asText()).isEqualTo("application/json");
        assertThat(generation.path("responseJsonSchema").path("properties").has("heard")).isTrue();

        client().chat().completions().create(ChatCompletionCreateParams.builder().model("droid/claude-3-opus")
                .responseFormat(schema).addUserMessage("Answer in JSON").build());
        JsonNode passed = fake.openRouterRequests.get(1).path("response_format");
        assertThat(passed.path("type").asText()).isEqualTo("json_schema");
        assertThat(passed.path("json_schema").path("name").asText()).isEqualTo("heard");
        assertThat(passed.path("json_schema").path("strict").asBoolean()).isTrue();
    }

    @Test
    void whatAProviderCannotTakeIsA400BeforeAnythingIsSent() throws Exception {
        ChatCompletionFunctionTool digit = ChatCompletionFunctionTool.builder().function(FunctionDefinition.builder()
                .name("2fa_code").build()).build();
        int failuresBefore = owner.request().get("/api/agents/ccrouter/circuit-breaker").then().statusCode(200).extract()
                .path("failureCount");
        assertThatThrownBy(() -> client().chat().completions().create(ChatCompletionCreateParams.builder()
                .model("ccrouter/gemini-1.5-pro").addTool(digit).addUserMessage("code?").build()))
                .isInstanceOfSatisfying(BadRequestException.class, e -> {
                    assertThat(e.param()).contains("tools[0].function.name");
                    assertThat(e.getMessage()).contains("Vertex AI");
                });
        assertThat(fake.vertexRequests).isEmpty();
        long rejected = Database.as(Caller.system(), c -> Database.count(c, """
                SELECT count(*) FROM agent_executions e JOIN users u ON u.id = e.user_id
                WHERE u.oidc_subject = ? AND e.status = 'rejected' AND e.error_code = 'unsupported_request'""", owner.subject()));
        assertThat(rejected).isEqualTo(1);
        // the same function is fine where OpenAI's names are spoken, and the refusal cost the breaker nothing
        assertThat(client().chat().completions().create(ChatCompletionCreateParams.builder().model("droid/gpt-4").addTool(digit)
                .addUserMessage("code?").build()).choices().get(0).message().toolCalls()).isPresent();
        owner.request().get("/api/agents/ccrouter/circuit-breaker").then().statusCode(200)
                .body("failureCount", equalTo(failuresBefore));
    }

    @Test
    void toolMessagesAndChoicesThatDoNotFitAreRefusedByName() {
        String answeringNothing = """
                {"model":"droid/gpt-4","messages":[{"role":"user","content":"hi"},
                 {"role":"tool","tool_call_id":"call_nowhere","content":"42"}]}""";
        owner.request().body(answeringNothing).post("/v1/chat/completions").then().statusCode(400)
                .body("error.param", equalTo("messages[1].tool_call_id"));
        owner.request().body("{\"model\":\"droid/gpt-4\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}],\"tool_choice\":\"required\"}")
                .post("/v1/chat/completions").then().statusCode(400).body("error.param", equalTo("tool_choice"));
        owner.request().body("""
                {"model":"droid/gpt-4","messages":[{"role":"user","content":"hi"}],
                 "tools":[{"type":"function","function":{"name":"a"}}],"tool_choice":{"type":"function","function":{"name":"b"}}}""")
                .post("/v1/chat/completions").then().statusCode(400).body("error.param", equalTo("tool_choice"));
        owner.request().body("""
                {"model":"droid/gpt-4","messages":[{"role":"user","content":"hi"}],
                 "tools":[{"type":"function","function":{"name":"a"}},{"type":"function","function":{"name":"a"}}]}""")
                .post("/v1/chat/completions").then().statusCode(400).body("error.param", equalTo("tools[1].function.name"));
        owner.request().body("{\"model\":\"droid/gpt-4\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}],"
                + "\"response_format\":{\"type\":\"yaml\"}}")
                .post("/v1/chat/completions").then().statusCode(400).body("error.param", equalTo("response_format.type"));
        owner.request().body("{\"model\":\"droid/gpt-4\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}],"
                + "\"response_format\":{\"type\":\"json_schema\",\"json_schema\":{\"name\":\"x\"}}}")
                .post("/v1/chat/completions").then().statusCode(400)
                .body("error.param", equalTo("response_format.json_schema.schema"));
        assertThat(fake.openRouterRequests).isEmpty();
    }
}
