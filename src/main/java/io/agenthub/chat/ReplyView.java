package io.agenthub.chat;

import java.util.UUID;

/**
 * {@code hubOverheadMs}: the time Agent Hub itself spent on the turn, upstream call excluded.
 * {@code fallbackModel}: set ({@code agent/model}) when the session's agent had its breaker open
 * and its fallback model answered.
 */
public record ReplyView(MessageView userMessage, MessageView assistantMessage, UUID executionId, String status, Usage usage,
        long latencyMs, long hubOverheadMs, String fallbackModel) {

    ReplyView withHubOverhead(long millis) {
        return new ReplyView(userMessage, assistantMessage, executionId, status, usage, latencyMs, millis, fallbackModel);
    }
}
