package io.agenthub.agents;

import java.util.List;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicBoolean;

import io.agenthub.agents.providers.ChatProvider;

/**
 * What a streamed reply has produced so far, and its timings. Its chunks arrive on the request's
 * context, one at a time; {@code ended} guards against ending the execution twice (a cancel racing
 * the end).
 */
public final class StreamProgress {

    private final long startedNanos;
    private final long callStarted = System.nanoTime();
    private final StringBuilder text = new StringBuilder();
    /** Tool calls by their index in the reply, their arguments assembled from the pieces streamed. */
    private final TreeMap<Integer, StringBuilder[]> toolCalls = new TreeMap<>();
    private final AtomicBoolean ended = new AtomicBoolean();
    private Integer inputTokens;
    private Integer outputTokens;
    private String finishReason;
    private long firstToken;
    private long lastByte = callStarted;

    /** {@code startedNanos}: when the request arrived; the call starts now. */
    public StreamProgress(long startedNanos) {
        this.startedNanos = startedNanos;
    }

    public void received(ChatProvider.Chunk chunk) {
        lastByte = System.nanoTime();
        if (chunk.inputTokens() != null) {
            inputTokens = chunk.inputTokens();
        }
        if (chunk.outputTokens() != null) {
            outputTokens = chunk.outputTokens();
        }
        if (chunk.finishReason() != null) {
            finishReason = chunk.finishReason();
        }
        if (chunk.text() != null && !chunk.text().isEmpty()) {
            if (firstToken == 0) {
                firstToken = lastByte;
            }
            text.append(chunk.text());
        }
        for (ChatProvider.ToolCallDelta delta : chunk.toolCalls()) {
            if (firstToken == 0) {
                firstToken = lastByte;
            }
            StringBuilder[] call = toolCalls.computeIfAbsent(delta.index(),
                    i -> new StringBuilder[] { new StringBuilder(), new StringBuilder(), new StringBuilder() });
            append(call[0], delta.id());
            append(call[1], delta.name());
            append(call[2], delta.arguments());
        }
    }

    private static void append(StringBuilder to, String piece) {
        if (piece != null) {
            to.append(piece);
        }
    }

    /** Marks the stream ended; false when it had ended already. */
    public boolean end() {
        return !ended.getAndSet(true);
    }

    public String text() {
        return text.toString();
    }

    /** The whole reply as it arrived. */
    public ChatProvider.Reply reply() {
        List<ChatProvider.ToolCall> calls = toolCalls.values().stream()
                .map(c -> new ChatProvider.ToolCall(c[0].toString(), c[1].toString(), c[2].toString())).toList();
        return new ChatProvider.Reply(text.toString(), inputTokens, outputTokens, finishReason == null ? "stop" : finishReason, calls);
    }

    public long millisSinceCall() {
        return (System.nanoTime() - callStarted) / 1_000_000;
    }

    public Long timeToFirstToken() {
        return firstToken == 0 ? null : (firstToken - callStarted) / 1_000_000;
    }

    /**
     * The hub's work before the upstream call. While tokens flow the hub only relays; what it does
     * after the provider's last byte is added when the stream ends.
     */
    public long hubMillisBeforeCall() {
        return (callStarted - startedNanos) / 1_000_000;
    }

    public long hubMillis() {
        return hubMillisBeforeCall() + (System.nanoTime() - lastByte) / 1_000_000;
    }
}
