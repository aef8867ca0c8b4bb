package io.agenthub.chat;

public record Usage(Integer inputTokens, Integer outputTokens) {
}
