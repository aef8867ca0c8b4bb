package io.agenthub.agents;

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
        return new ChatProvider.Reply(text.toString(), inputTokens, outputTokens, finishReason == null ? "stop" : finishReason);
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
