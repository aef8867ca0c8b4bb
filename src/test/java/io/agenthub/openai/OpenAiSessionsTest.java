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
import com.openai.client.OpenAIClient;
import com.openai.client.okhttp.OpenAIOkHttpClient;
import com.openai.core.http.StreamResponse;
import com.openai.errors.BadRequestException;
import com.openai.errors.NotFoundException;
import com.openai.errors.UnprocessableEntityException;
import com.openai.models.chat.completions.ChatCompletion;
import com.openai.models.chat.completions.ChatCompletionChunk;
import com.openai.models.chat.completions.ChatCompletionCreateParams;
import com.openai.models.chat.completions.ChatCompletionToolMessageParam;

import io.agenthub.testing.Api;
import io.agenthub.testing.Database;
import io.agenthub.testing.Database.Caller;
import io.agenthub.testing.FakeProviders;
import io.agenthub.testing.FakeProviders.Scripted;
import io.agenthub.testing.InjectFake;
import io.agenthub.testing.Tokens;
import io.agenthub.testing.Turns;
import io.quarkus.test.common.TestResourceScope;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;

/**
 * Completions stored in a chat session named by a header, and sent again with an Idempotency-Key,
 * through the OpenAI SDK with the headers an application adds.
 */
@QuarkusTest
@WithTestResource(value = FakeProviders.class, scope = TestResourceScope.GLOBAL)
class OpenAiSessionsTest {

    @InjectFake
    FakeProviders fake;

    @TestHTTPResource("/v1")
    URL v1;

    Api owner;
    String org;

    @BeforeEach
    void signIn() {
        fake.reset();
        org = Tokens.unique("sessions-org");
        owner = Api.signIn(Tokens.unique("sessions-owner"), org, "owner");
    }

    @AfterEach
    void everyCallEnded() throws Exception {
        Turns.assertEveryTurnEnded(owner);
    }

    OpenAIClient client(Map<String, String> headers) {
        OpenAIOkHttpClient.Builder builder = OpenAIOkHttpClient.builder().baseUrl(v1.toString()).apiKey(owner.token()).maxRetries(0);
        headers.forEach(builder::putHeader);
        return builder.build();
    }

    String session(Api user, String agent, String model) {
        return user.request().body(Map.of("agent", agent, "model", model)).post("/api/chat/sessions").then().statusCode(201)
                .extract().path("id");
    }

    List<Map<String, Object>> messages(String session) {
        return owner.request().get("/api/chat/sessions/" + session + "/messages?limit=50").then().statusCode(200).extract()
                .path("items");
    }

    @Test
    void aCompletionNamingASessionIsStoredInItToolCallsIncluded() throws Exception {
        String session = session(owner, "droid", "gpt-4");
        OpenAIClient client = client(Map.of(CompletionService.SESSION_HEADER, session));
        ChatCompletion plain = client.chat().completions().create(ChatCompletionCreateParams.builder().model("droid/gpt-4")
                .addSystemMessage("Be brief.").addUserMessage("Hello session").build());
        assertThat(plain.choices().get(0).message().content().orElseThrow()).contains("heard: Hello session");

        ChatCompletion called = client.chat().completions().create(ChatCompletionCreateParams.builder().model("droid/gpt-4")
                .addTool(OpenAiToolsTest.weather()).addUserMessage("Hello session").addMessage(plain.choices().get(0).message())
                .addUserMessage("Weather in Paris?").build());
        String callId = called.choices().get(0).message().toolCalls().orElseThrow().get(0).asFunction().id();
        client.chat().completions().create(ChatCompletionCreateParams.builder().model("droid/gpt-4").addTool(OpenAiToolsTest.weather())
                .addUserMessage("Hello session").addMessage(plain.choices().get(0).message()).addUserMessage("Weather in Paris?")
                .addMessage(called.choices().get(0).message())
                .addMessage(ChatCompletionToolMessageParam.builder().toolCallId(callId).content("sunny").build()).build());

        List<Map<String, Object>> stored = messages(session);
        assertThat(stored).extracting(m -> m.get("role"))
                .containsExactly("user", "assistant", "user", "assistant", "tool", "assistant");
        assertThat(stored.get(0).get("content")).isEqualTo("Hello session");
        assertThat((String) stored.get(1).get("content")).contains("heard: Hello session");
        assertThat(stored.get(1).get("inputTokens")).isEqualTo(12);
        assertThat(stored.get(3).get("toolCalls")).isEqualTo(List.of(Map.of("id", callId, "name", "get_weather",
                "arguments", "{\"city\":\"Paris\"}")));
        assertThat(stored.get(4).get("toolCallId")).isEqualTo(callId);
        assertThat(stored.get(4).get("content")).isEqualTo("sunny");
        assertThat((String) stored.get(5).get("content")).contains("the tool said sunny");
        owner.request().get("/api/chat/sessions/" + session).then().statusCode(200).body("title", equalTo("Hello session"));

        long linked = Database.as(Caller.system(), c -> Database.count(c, """
                SELECT count(*) FROM agent_executions WHERE session_id = ?::uuid AND status = 'success'
                  AND assistant_message_id IS NOT NULL AND user_message_id IS NOT NULL""", session));
        assertThat(linked).as("the tool round trip's last call answers a tool message, not a user's").isEqualTo(2);

        // the chat API goes on with the session; the tool round trip is not part of the history it sends
        owner.request().body(Map.of("content", "And now?")).post("/api/chat/sessions/" + session + "/messages").then().statusCode(200);
        JsonNode history = fake.openRouterRequests.get(fake.openRouterRequests.size() - 1).path("messages");
        assertThat(history.findValuesAsText("role")).doesNotContain("tool");
        assertThat(history.findValues("tool_calls")).isEmpty();
    }

    @Test
    void aStreamedCompletionNamingASessionStoresWhatItStreamed() {
        String session = session(owner, "ccrouter", "gemini-1.5-flash");
        try (StreamResponse<ChatCompletionChunk> stream = client(Map.of(CompletionService.SESSION_HEADER, session)).chat().completions()
                .createStreaming(ChatCompletionCreateParams.builder().model("ccrouter/gemini-1.5-flash").addUserMessage("Stream me")
                        .build())) {
            stream.stream().forEach(chunk -> { });
        }
        List<Map<String, Object>> stored = messages(session);
        assertThat(stored).extracting(m -> m.get("content")).containsExactly("Stream me", "ccrouter streams too");
        assertThat(stored.get(1).get("status")).isEqualTo("complete");
    }

    @Test
    void aSessionThatIsNotTheCallersIsNotFoundAndABadOneIsRefused() throws Exception {
        Api stranger = Api.signIn(Tokens.unique("sessions-stranger"), Tokens.unique("sessions-other-org"), "owner");
        String theirs = session(stranger, "droid", "gpt-4");
        assertThatThrownBy(() -> client(Map.of(CompletionService.SESSION_HEADER, theirs)).chat().completions()
                .create(ChatCompletionCreateParams.builder().model("droid/gpt-4").addUserMessage("let me in").build()))
                .isInstanceOf(NotFoundException.class);
        assertThatThrownBy(() -> client(Map.of(CompletionService.SESSION_HEADER, "not-a-uuid")).chat().completions()
                .create(ChatCompletionCreateParams.builder().model("droid/gpt-4").addUserMessage("hi").build()))
                .isInstanceOfSatisfying(BadRequestException.class, e -> assertThat(e.param()).contains(CompletionService.SESSION_HEADER));
        String mine = session(owner, "droid", "gpt-4");
        assertThatThrownBy(() -> client(Map.of(CompletionService.SESSION_HEADER, mine)).chat().completions()
                .create(ChatCompletionCreateParams.builder().model("droid/claude-3-opus").addUserMessage("hi").build()))
                .isInstanceOfSatisfying(BadRequestException.class, e -> {
                    assertThat(e.param()).contains("model");
                    assertThat(e.getMessage()).contains("droid/gpt-4");
                });

        assertThat(fake.openRouterRequests).isEmpty();
        assertThat(messages(mine)).isEmpty();
        stranger.request().get("/api/chat/sessions/" + theirs + "/messages").then().statusCode(200).body("items.size()", equalTo(0));
        long executions = Database.as(Caller.system(), c -> Database.count(c, """
                SELECT count(*) FROM agent_executions e JOIN users u ON u.id = e.user_id WHERE u.oidc_subject = ?""", owner.subject()));
        assertThat(executions).isZero();
    }

    @Test
    void anIdempotencyKeyReplaysTheFirstAnswerAndRefusesAnotherRequest() throws Exception {
        ChatCompletionCreateParams question = ChatCompletionCreateParams.builder().model("droid/gpt-4").addUserMessage("Once only")
                .build();
        String sharedKey = Tokens.unique("key");
        OpenAIClient client = client(Map.of("Idempotency-Key", sharedKey));
        ChatCompletion first = client.chat().completions().create(question);
        ChatCompletion again = client.chat().completions().create(question);
        assertThat(again.id()).isEqualTo(first.id());
        assertThat(again.choices().get(0).message().content()).isEqualTo(first.choices().get(0).message().content());
        assertThat(again.usage()).isEqualTo(first.usage());
        assertThat(fake.openRouterRequests).hasSize(1);

        assertThatThrownBy(() -> client.chat().completions().create(ChatCompletionCreateParams.builder().model("droid/gpt-4")
                .addUserMessage("Something else").build()))
                .isInstanceOfSatisfying(UnprocessableEntityException.class, e -> assertThat(e.getMessage()).contains("different request"));
        assertThat(fake.openRouterRequests).hasSize(1);

        long executions = Database.as(Caller.system(), c -> Database.count(c, """
                SELECT count(*) FROM agent_executions e JOIN users u ON u.id = e.user_id WHERE u.oidc_subject = ?""", owner.subject()));
        assertThat(executions).isEqualTo(1);

        // a key is the caller's own: a colleague sending the same one gets an answer of their own
        Api colleague = Api.signIn(Tokens.unique("sessions-colleague"), org, "member");
        ChatCompletion theirs = OpenAIOkHttpClient.builder().baseUrl(v1.toString()).apiKey(colleague.token()).maxRetries(0)
                .putHeader("Idempotency-Key", sharedKey).build().chat().completions().create(question);
        assertThat(theirs.id()).isNotEqualTo(first.id());
        assertThat(fake.openRouterRequests).hasSize(2);
    }

    @Test
    void aStreamedCompletionIsReplayedAsAStreamAndAFailedOneIsNot() {
        OpenAIClient client = client(Map.of("Idempotency-Key", Tokens.unique("stream-key")));
        ChatCompletionCreateParams question = ChatCompletionCreateParams.builder().model("droid/gpt-4").addTool(OpenAiToolsTest.weather())
                .addUserMessage("Weather?").build();
        List<String> texts = new java.util.ArrayList<>();
        for (int i = 0; i < 2; i++) {
            com.openai.helpers.ChatCompletionAccumulator accumulator = com.openai.helpers.ChatCompletionAccumulator.create();
            try (StreamResponse<ChatCompletionChunk> stream = client.chat().completions().createStreaming(question)) {
                stream.stream().forEach(accumulator::accumulate);
            }
            ChatCompletion streamed = accumulator.chatCompletion();
            assertThat(streamed.choices().get(0).finishReason()).isEqualTo(ChatCompletion.Choice.FinishReason.TOOL_CALLS);
            texts.add(streamed.choices().get(0).message().toolCalls().orElseThrow().get(0).asFunction().function().arguments());
        }
        assertThat(texts.get(1)).isEqualTo(texts.get(0)).isEqualTo("{\"city\":\"Paris\"}");
        assertThat(fake.openRouterRequests).hasSize(1);

        fake.scriptOpenRouter(Scripted.error(400, Map.of("error", Map.of("code", 400, "message", "context length exceeded"))));
        OpenAIClient failing = client(Map.of("Idempotency-Key", Tokens.unique("failing-key")));
        ChatCompletionCreateParams hi = ChatCompletionCreateParams.builder().model("droid/gpt-4").addUserMessage("hi").build();
        assertThatThrownBy(() -> failing.chat().completions().create(hi)).isInstanceOf(UnprocessableEntityException.class);
        assertThatThrownBy(() -> failing.chat().completions().create(hi))
                .isInstanceOfSatisfying(com.openai.errors.InternalServerException.class, e -> {
                    assertThat(e.statusCode()).isEqualTo(502);
                    assertThat(e.getMessage()).contains("new key");
                });
    }
}
