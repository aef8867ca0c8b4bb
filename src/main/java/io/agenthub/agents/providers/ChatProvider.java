package io.agenthub.agents.providers;

import java.util.List;
import java.util.Map;

import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;

/** One upstream protocol. Implementations speak the provider's real wire format. */
public interface ChatProvider {

    /** The agent config's {@code provider} value this client serves. */
    String provider();

    Uni<Reply> complete(Request request);

    /** A cheap authenticated call that proves the provider and the model are reachable (no tokens spent). */
    Uni<Void> probe(String providerModelId, Map<String, Object> agentConfig);

    /**
     * Opens a streamed reply. The Uni completes once the provider accepted the request (so guards
     * may retry until then, never after); the Multi then carries the reply as it is generated.
     */
    Uni<Multi<Chunk>> stream(Request request, long firstTokenMs, long idleMs);

    /** A piece of a streamed reply; the usage arrives with the last one(s). */
    record Chunk(String text, Integer inputTokens, Integer outputTokens, String finishReason) {
    }

    /** One message of the conversation sent upstream; role is system, user or assistant. */
    record Message(String role, String content) {
    }

    /** {@code maxOutputTokens}: the model's limit, or less when the client asked for less. */
    record Request(String providerModelId, Map<String, Object> agentConfig, List<Message> messages, int maxOutputTokens,
            Sampling sampling) {

        public Request(String providerModelId, Map<String, Object> agentConfig, List<Message> messages, int maxOutputTokens) {
            this(providerModelId, agentConfig, messages, maxOutputTokens, Sampling.DEFAULT);
        }
    }

    /** How the client asked the model to sample; null members leave the provider's defaults. */
    record Sampling(Double temperature, Double topP, List<String> stop) {

        public static final Sampling DEFAULT = new Sampling(null, null, List.of());
    }

    record Reply(String text, Integer inputTokens, Integer outputTokens, String finishReason) {
    }
}
