package io.agenthub.openai;

import java.util.List;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;

import io.agenthub.agents.providers.ChatProvider;
import io.quarkus.runtime.annotations.RegisterForReflection;

/** OpenAI's chat completion object: one choice, the usage, and the nulls OpenAI sends as nulls. */
@RegisterForReflection
public record ChatCompletion(String id, String object, long created, String model, List<Choice> choices, Usage usage,
        @JsonProperty("system_fingerprint") @JsonInclude(JsonInclude.Include.ALWAYS) String systemFingerprint) {

    public record Choice(int index, Message message, @JsonProperty("finish_reason") String finishReason,
            @JsonInclude(JsonInclude.Include.ALWAYS) Object logprobs) {
    }

    /** Content is null (and sent as null) when the reply is only tool calls, as OpenAI sends it. */
    public record Message(String role, @JsonInclude(JsonInclude.Include.ALWAYS) String content,
            @JsonInclude(JsonInclude.Include.ALWAYS) String refusal,
            @JsonProperty("tool_calls") @JsonInclude(JsonInclude.Include.NON_EMPTY) List<ToolCall> toolCalls) {
    }

    public record ToolCall(String id, String type, Function function) {

        static ToolCall of(ChatProvider.ToolCall call) {
            return new ToolCall(call.id(), "function", new Function(call.name(), call.arguments()));
        }
    }

    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Function(String name, String arguments) {
    }

    public record Usage(@JsonProperty("prompt_tokens") int promptTokens, @JsonProperty("completion_tokens") int completionTokens,
            @JsonProperty("total_tokens") int totalTokens) {

        static Usage of(Integer prompt, Integer completion) {
            int p = prompt == null ? 0 : prompt;
            int c = completion == null ? 0 : completion;
            return new Usage(p, c, p + c);
        }
    }
}
