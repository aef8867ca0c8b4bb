package io.agenthub.openai;

import java.util.List;

import jakarta.validation.Valid;
import jakarta.validation.constraints.DecimalMax;
import jakarta.validation.constraints.DecimalMin;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Size;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.JsonNode;

import io.quarkus.runtime.annotations.RegisterForReflection;

/**
 * OpenAI's chat completion request. Members OpenAI defines that change nothing here (metadata,
 * store, seed, logit bias, ...) are accepted and ignored, as OpenAI-compatible gateways do, so the
 * SDKs' requests pass as they are; those that would change the answer and are not honoured are
 * refused by name. Registered for reflection because it is also written back (its digest keys an
 * Idempotency-Key to the request).
 */
@JsonIgnoreProperties(ignoreUnknown = true)
@RegisterForReflection(targets = { ChatCompletionRequest.class, ChatCompletionRequest.StreamOptions.class, ChatCompletionMessage.class })
public record ChatCompletionRequest(
        @NotBlank @Size(max = 200) String model,
        @NotNull @Size(min = 1, max = 1000) List<@NotNull @Valid ChatCompletionMessage> messages,
        Boolean stream,
        @JsonProperty("stream_options") StreamOptions streamOptions,
        @JsonProperty("max_tokens") @Min(1) Integer maxTokens,
        @JsonProperty("max_completion_tokens") @Min(1) Integer maxCompletionTokens,
        @DecimalMin("0") @DecimalMax("2") Double temperature,
        @JsonProperty("top_p") @DecimalMin("0") @DecimalMax("1") Double topP,
        JsonNode stop,
        @Size(max = 256) String user,
        @Min(1) @Max(1) Integer n,
        List<JsonNode> tools,
        @JsonProperty("tool_choice") JsonNode toolChoice,
        @JsonProperty("response_format") JsonNode responseFormat) {

    @JsonIgnoreProperties(ignoreUnknown = true)
    public record StreamOptions(@JsonProperty("include_usage") Boolean includeUsage) {
    }

    boolean streamed() {
        return Boolean.TRUE.equals(stream);
    }

    boolean usageStreamed() {
        return streamOptions != null && Boolean.TRUE.equals(streamOptions.includeUsage());
    }
}
