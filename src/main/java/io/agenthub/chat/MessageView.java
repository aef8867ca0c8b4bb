package io.agenthub.chat;

import java.time.Instant;
import java.util.UUID;

import io.agenthub.tenancy.SqlRow;

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
