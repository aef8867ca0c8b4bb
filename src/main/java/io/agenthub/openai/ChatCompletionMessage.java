package io.agenthub.openai;

import java.util.List;

import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.JsonNode;

/** One message of a chat completion request: its content a string or an array of text parts. */
@JsonIgnoreProperties(ignoreUnknown = true)
public record ChatCompletionMessage(
        @NotNull @Pattern(regexp = "system|developer|user|assistant|tool") String role,
        JsonNode content,
        String name,
        @JsonProperty("tool_calls") List<JsonNode> toolCalls,
        @JsonProperty("tool_call_id") String toolCallId) {
}
