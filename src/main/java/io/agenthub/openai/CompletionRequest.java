package io.agenthub.openai;

import java.util.ArrayList;
import java.util.List;

import com.fasterxml.jackson.databind.JsonNode;

import io.agenthub.agents.providers.ChatProvider;
import io.agenthub.web.ApiException;

/**
 * A chat completion request as the hub's agents take it: the {@code agent/model} id split, the
 * messages as plain text (developer is system), the output limit and the sampling. What a
 * request asks for that would change the answer and is not honoured is refused by name, never
 * silently dropped.
 */
record CompletionRequest(String agent, String model, List<ChatProvider.Message> messages, Integer maxTokens,
        ChatProvider.Sampling sampling) {

    static final int MAX_STOP_SEQUENCES = 4;

    static CompletionRequest of(ChatCompletionRequest body) {
        int slash = body.model().indexOf('/');
        if (slash <= 0 || slash == body.model().length() - 1) {
            throw ApiException.invalidField("model", "must be an agent/model id from GET /v1/models, e.g. droid/gpt-4");
        }
        if (body.tools() != null && !body.tools().isEmpty()) {
            throw ApiException.invalidField("tools", "tool calling is not available yet");
        }
        if (body.toolChoice() != null && !body.toolChoice().isNull() && !"none".equals(body.toolChoice().asText())) {
            throw ApiException.invalidField("tool_choice", "tool calling is not available yet");
        }
        if (body.responseFormat() != null && !body.responseFormat().isNull()
                && !"text".equals(body.responseFormat().path("type").asText())) {
            throw ApiException.invalidField("response_format", "only {\"type\": \"text\"} is available yet");
        }
        List<ChatProvider.Message> messages = new ArrayList<>(body.messages().size());
        for (int i = 0; i < body.messages().size(); i++) {
            ChatCompletionMessage m = body.messages().get(i);
            String field = "messages[" + i + "]";
            if ("tool".equals(m.role()) || (m.toolCalls() != null && !m.toolCalls().isEmpty())) {
                throw ApiException.invalidField(field, "tool messages and tool calls are not available yet");
            }
            messages.add(new ChatProvider.Message("developer".equals(m.role()) ? "system" : m.role(), text(m.content(), field)));
        }
        if (messages.stream().noneMatch(m -> m.role().equals("user"))) {
            throw ApiException.invalidField("messages", "must hold at least one user message");
        }
        Integer maxTokens = body.maxCompletionTokens() != null ? body.maxCompletionTokens() : body.maxTokens();
        return new CompletionRequest(body.model().substring(0, slash), body.model().substring(slash + 1), messages, maxTokens,
                new ChatProvider.Sampling(body.temperature(), body.topP(), stop(body.stop())));
    }

    /** A message's content: a string, or an array of text parts. */
    static String text(JsonNode content, String field) {
        if (content == null || content.isNull()) {
            throw ApiException.invalidField(field + ".content", "is required");
        }
        if (content.isTextual()) {
            return content.asText();
        }
        if (content.isArray()) {
            StringBuilder text = new StringBuilder();
            for (JsonNode part : content) {
                if (!"text".equals(part.path("type").asText()) || !part.path("text").isTextual()) {
                    throw ApiException.invalidField(field + ".content", "only text parts are available");
                }
                text.append(part.path("text").asText());
            }
            return text.toString();
        }
        throw ApiException.invalidField(field + ".content", "must be a string or an array of text parts");
    }

    private static List<String> stop(JsonNode stop) {
        if (stop == null || stop.isNull()) {
            return List.of();
        }
        if (stop.isTextual()) {
            return List.of(stop.asText());
        }
        if (stop.isArray() && stop.size() <= MAX_STOP_SEQUENCES) {
            List<String> sequences = new ArrayList<>();
            for (JsonNode s : stop) {
                if (!s.isTextual()) {
                    throw ApiException.invalidField("stop", "must be a string or an array of up to 4 strings");
                }
                sequences.add(s.asText());
            }
            return sequences;
        }
        throw ApiException.invalidField("stop", "must be a string or an array of up to 4 strings");
    }
}
