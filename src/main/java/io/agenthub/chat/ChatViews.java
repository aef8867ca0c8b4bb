package io.agenthub.chat;

import java.time.Instant;
import java.util.UUID;

import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.Size;

import io.agenthub.tenancy.SqlRow;

/** Request and response bodies of the chat API. */
public final class ChatViews {

    private ChatViews() {
    }

    public record CreateSessionRequest(@NotBlank @Size(max = 64) String agent, @NotBlank @Size(max = 100) String model,
            @Size(min = 1, max = 200) String title) {
    }

    public record UpdateSessionRequest(@Size(min = 1, max = 200) String title, Boolean archived) {
    }

    /** At most 100,000 characters per message; the HTTP layer refuses bodies over 1 MB. */
    public record SendMessageRequest(@NotBlank @Size(max = 100_000) String content) {
    }

    public record SessionView(UUID id, String title, boolean archived, String agent, String model, long messageCount,
            Instant createdAt, Instant lastActivityAt) {
    }

    public record MessageView(UUID id, long seq, String role, String content, String status, Integer inputTokens,
            Integer outputTokens, Instant createdAt) {

        static MessageView of(ChatMessage m) {
            return new MessageView(m.id, m.seq == null ? 0 : m.seq, m.role, m.content, m.status, m.inputTokens, m.outputTokens,
                    m.createdAt);
        }

        /** A row of id, seq, role, content, status, input_tokens, output_tokens, created_at. */
        static MessageView of(SqlRow r) {
            return new MessageView(r.uuid("id"), r.bigint("seq"), r.text("role"), r.text("content"), r.text("status"),
                    r.integer("input_tokens"), r.integer("output_tokens"), r.instant("created_at"));
        }
    }

    public record Usage(Integer inputTokens, Integer outputTokens) {
    }

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
}
