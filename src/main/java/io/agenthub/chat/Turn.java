package io.agenthub.chat;

import java.util.List;
import java.util.UUID;

import io.agenthub.agents.AgentCaller.Route;
import io.agenthub.agents.Target;
import io.agenthub.agents.providers.ChatProvider;
import io.agenthub.tenancy.Caller;

/**
 * A begun turn: what its upstream call needs and what its end writes, gathered by its first
 * statement. {@code replay}: the first answer to an earlier message with the same
 * Idempotency-Key; then nothing was written and nothing is called.
 */
record Turn(Caller caller, UUID sessionId, MessageView userMessage, UUID executionId, Route route,
        List<ChatProvider.Message> conversation, ReplyView replay, long startedNanos) {

    static Turn replaying(ReplyView replay, long startedNanos) {
        return new Turn(null, null, null, null, null, null, replay, startedNanos);
    }

    ChatProvider.Request request(Target target) {
        return new ChatProvider.Request(target.model().providerModelId, target.agent().config, conversation,
                target.model().maxOutputTokens);
    }

    long millisSinceStart() {
        return (System.nanoTime() - startedNanos) / 1_000_000;
    }
}
