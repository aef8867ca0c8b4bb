package io.agenthub.openai;

import java.util.List;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;

import io.quarkus.runtime.annotations.RegisterForReflection;

/** OpenAI's chat completion object: one choice, the usage, and the nulls OpenAI sends as nulls. */
@RegisterForReflection
public record ChatCompletion(String id, String object, long created, String model, List<Choice> choices, Usage usage,
        @JsonProperty("system_fingerprint") @JsonInclude(JsonInclude.Include.ALWAYS) String systemFingerprint) {

    public record Choice(int index, Message message, @JsonProperty("finish_reason") String finishReason,
            @JsonInclude(JsonInclude.Include.ALWAYS) Object logprobs) {
    }

    public record Message(String role, String content, @JsonInclude(JsonInclude.Include.ALWAYS) String refusal) {
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
