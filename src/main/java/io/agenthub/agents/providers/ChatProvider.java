package io.agenthub.agents.providers;

import java.util.List;
import java.util.Map;

import io.quarkus.runtime.annotations.RegisterForReflection;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;
import io.vertx.core.json.JsonObject;

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
    record Chunk(String text, Integer inputTokens, Integer outputTokens, String finishReason, List<ToolCallDelta> toolCalls) {

        public Chunk(String text, Integer inputTokens, Integer outputTokens, String finishReason) {
            this(text, inputTokens, outputTokens, finishReason, List.of());
        }
    }

    /**
     * A piece of a tool call as it streams: the first piece of a call carries its id and name, the
     * following ones more of its arguments (JSON text) for the same index.
     */
    record ToolCallDelta(int index, String id, String name, String arguments) {
    }

    /**
     * One message of the conversation sent upstream; role is system, user, assistant or tool. An
     * assistant message may carry the tool calls it made; a tool message answers one of them.
     */
    record Message(String role, String content, List<ToolCall> toolCalls, String toolCallId) {

        public Message(String role, String content) {
            this(role, content, List.of(), null);
        }
    }

    /** A function the model called: {@code arguments} is JSON text, as OpenAI's wire format has it. */
    @RegisterForReflection
    record ToolCall(String id, String name, String arguments) {
    }

    /** {@code maxOutputTokens}: the model's limit, or less when the client asked for less. */
    record Request(String providerModelId, Map<String, Object> agentConfig, List<Message> messages, int maxOutputTokens,
            Sampling sampling, Tools tools, ResponseFormat format) {

        public Request(String providerModelId, Map<String, Object> agentConfig, List<Message> messages, int maxOutputTokens) {
            this(providerModelId, agentConfig, messages, maxOutputTokens, Sampling.DEFAULT, Tools.NONE, ResponseFormat.TEXT);
        }
    }

    /** How the client asked the model to sample; null members leave the provider's defaults. */
    record Sampling(Double temperature, Double topP, List<String> stop) {

        public static final Sampling DEFAULT = new Sampling(null, null, List.of());
    }

    /** A function the model may call, its parameters a JSON Schema object. */
    record Tool(String name, String description, JsonObject parameters) {
    }

    /**
     * The functions offered and how the model may use them: {@code choice} is auto, none, required
     * or function (then {@code function} names the one it must call).
     */
    record Tools(List<Tool> declared, String choice, String function) {

        public static final Tools NONE = new Tools(List.of(), "auto", null);

        public boolean offered() {
            return !declared.isEmpty();
        }
    }

    /** The shape the reply must take: text, json_object, or json_schema (then named, with its schema). */
    record ResponseFormat(String type, String name, JsonObject schema, Boolean strict) {

        public static final ResponseFormat TEXT = new ResponseFormat("text", null, null, null);

        public boolean json() {
            return !"text".equals(type);
        }
    }

    record Reply(String text, Integer inputTokens, Integer outputTokens, String finishReason, List<ToolCall> toolCalls) {

        public Reply(String text, Integer inputTokens, Integer outputTokens, String finishReason) {
            this(text, inputTokens, outputTokens, finishReason, List.of());
        }
    }
}
