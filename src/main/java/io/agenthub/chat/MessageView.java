package io.agenthub.chat;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

import com.fasterxml.jackson.annotation.JsonInclude;

import io.agenthub.agents.providers.ChatProvider;
import io.agenthub.tenancy.SqlRow;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

/**
 * A stored message. {@code toolCalls}: the functions an assistant message called; {@code toolCallId}:
 * the call a tool message answers (both only from completions through the OpenAI-compatible API).
 */
public record MessageView(UUID id, long seq, String role, String content, String status, Integer inputTokens,
        Integer outputTokens, Instant createdAt, @JsonInclude(JsonInclude.Include.NON_EMPTY) List<ChatProvider.ToolCall> toolCalls,
        @JsonInclude(JsonInclude.Include.NON_NULL) String toolCallId) {

    public MessageView(UUID id, long seq, String role, String content, String status, Integer inputTokens, Integer outputTokens,
            Instant createdAt) {
        this(id, seq, role, content, status, inputTokens, outputTokens, createdAt, List.of(), null);
    }

    static MessageView of(ChatMessage m) {
        return new MessageView(m.id, m.seq == null ? 0 : m.seq, m.role, m.content, m.status, m.inputTokens, m.outputTokens,
                m.createdAt);
    }

    /** A row of id, seq, role, content, status, input_tokens, output_tokens, created_at, tool_calls (as text), tool_call_id. */
    static MessageView of(SqlRow r) {
        return new MessageView(r.uuid("id"), r.bigint("seq"), r.text("role"), r.text("content"), r.text("status"),
                r.integer("input_tokens"), r.integer("output_tokens"), r.instant("created_at"), toolCalls(r.text("tool_calls")),
                r.text("tool_call_id"));
    }

    private static List<ChatProvider.ToolCall> toolCalls(String stored) {
        if (stored == null) {
            return List.of();
        }
        JsonArray calls = new JsonArray(stored);
        List<ChatProvider.ToolCall> read = new ArrayList<>(calls.size());
        for (int i = 0; i < calls.size(); i++) {
            JsonObject call = calls.getJsonObject(i);
            read.add(new ChatProvider.ToolCall(call.getString("id"), call.getString("name"), call.getString("arguments")));
        }
        return read;
    }
}
