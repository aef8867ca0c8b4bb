package io.agenthub.openai;

import java.util.List;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;

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
    public record Delta(String role, String content) {
    }
}
