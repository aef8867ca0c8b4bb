package io.agenthub.openai;

import java.util.List;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;

import io.agenthub.agents.providers.ChatProvider;
import io.quarkus.runtime.annotations.RegisterForReflection;

/**
 * One event of a streamed chat completion ({@code chat.completion.chunk}): a delta of the one
 * choice, or, last when the client asked for it, no choice and the usage.
 */
@RegisterForReflection
public record ChatCompletionChunk(String id, String object, long created, String model, List<Choice> choices,
        @JsonInclude(JsonInclude.Include.NON_NULL) ChatCompletion.Usage usage) {

    public record Choice(int index, Delta delta, @JsonProperty("finish_reason") @JsonInclude(JsonInclude.Include.ALWAYS) String finishReason,
            @JsonInclude(JsonInclude.Include.ALWAYS) Object logprobs) {
    }

    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Delta(String role, String content, @JsonProperty("tool_calls") List<ToolCallDelta> toolCalls) {

        Delta(String role, String content) {
            this(role, content, null);
        }
    }

    /** A piece of a tool call: the first carries its id, type and name, the following more of its arguments. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record ToolCallDelta(int index, String id, String type, ChatCompletion.Function function) {

        static ToolCallDelta of(ChatProvider.ToolCallDelta delta) {
            return new ToolCallDelta(delta.index(), delta.id(), delta.id() != null ? "function" : null,
                    new ChatCompletion.Function(delta.name(), delta.arguments() == null ? "" : delta.arguments()));
        }
    }
}
