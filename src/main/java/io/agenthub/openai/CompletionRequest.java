package io.agenthub.openai;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;

import com.fasterxml.jackson.databind.JsonNode;

import io.agenthub.agents.providers.ChatProvider;
import io.agenthub.agents.providers.ChatProvider.ResponseFormat;
import io.agenthub.agents.providers.ChatProvider.Tool;
import io.agenthub.agents.providers.ChatProvider.ToolCall;
import io.agenthub.agents.providers.ChatProvider.Tools;
import io.agenthub.web.ApiException;
import io.vertx.core.json.JsonObject;

/**
 * A chat completion request as the hub's agents take it: the {@code agent/model} id split, the
 * messages as text with their tool calls (developer is system), the output limit, the sampling,
 * the tools and the response format. What a request asks for that would change the answer and is
 * not honoured is refused by name, never silently dropped.
 */
record CompletionRequest(String agent, String model, List<ChatProvider.Message> messages, Integer maxTokens,
        ChatProvider.Sampling sampling, Tools tools, ResponseFormat format) {

    static final int MAX_STOP_SEQUENCES = 4;
    /** OpenAI's own limit on the functions one request may declare. */
    static final int MAX_TOOLS = 128;
    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9_-]{1,64}");

    static CompletionRequest of(ChatCompletionRequest body) {
        int slash = body.model().indexOf('/');
        if (slash <= 0 || slash == body.model().length() - 1) {
            throw ApiException.invalidField("model", "must be an agent/model id from GET /v1/models, e.g. droid/gpt-4");
        }
        Tools tools = tools(body.tools(), body.toolChoice());
        List<ChatProvider.Message> messages = new ArrayList<>(body.messages().size());
        Set<String> calls = new HashSet<>();
        for (int i = 0; i < body.messages().size(); i++) {
            messages.add(message(body.messages().get(i), "messages[" + i + "]", calls));
        }
        if (messages.stream().noneMatch(m -> m.role().equals("user"))) {
            throw ApiException.invalidField("messages", "must hold at least one user message");
        }
        Integer maxTokens = body.maxCompletionTokens() != null ? body.maxCompletionTokens() : body.maxTokens();
        return new CompletionRequest(body.model().substring(0, slash), body.model().substring(slash + 1), messages, maxTokens,
                new ChatProvider.Sampling(body.temperature(), body.topP(), stop(body.stop())), tools,
                format(body.responseFormat()));
    }

    /**
     * One message. An assistant's tool calls keep their ids, and a tool message must answer one of
     * them: a provider that names calls differently (Vertex AI) is given the name the id was called.
     */
    private static ChatProvider.Message message(ChatCompletionMessage m, String field, Set<String> calls) {
        String role = "developer".equals(m.role()) ? "system" : m.role();
        if (m.toolCalls() != null && !m.toolCalls().isEmpty()) {
            if (!"assistant".equals(role)) {
                throw ApiException.invalidField(field + ".tool_calls", "only assistant messages carry tool calls");
            }
            List<ToolCall> made = new ArrayList<>(m.toolCalls().size());
            for (int j = 0; j < m.toolCalls().size(); j++) {
                JsonNode call = m.toolCalls().get(j);
                String at = field + ".tool_calls[" + j + "]";
                String id = call.path("id").asText("");
                if (id.isBlank() || id.length() > 200) {
                    throw ApiException.invalidField(at + ".id", "must be the call's id, up to 200 characters");
                }
                if (!"function".equals(call.path("type").asText("function"))) {
                    throw ApiException.invalidField(at + ".type", "must be function");
                }
                String name = call.path("function").path("name").asText("");
                if (!NAME.matcher(name).matches()) {
                    throw ApiException.invalidField(at + ".function.name", "must be 1 to 64 letters, digits, _ or -");
                }
                JsonNode arguments = call.path("function").path("arguments");
                if (!arguments.isTextual()) {
                    throw ApiException.invalidField(at + ".function.arguments", "must be the arguments as JSON text");
                }
                calls.add(id);
                made.add(new ToolCall(id, name, arguments.asText()));
            }
            String content = m.content() == null || m.content().isNull() ? "" : text(m.content(), field);
            return new ChatProvider.Message(role, content, made, null);
        }
        if ("tool".equals(role)) {
            if (m.toolCallId() == null || !calls.contains(m.toolCallId())) {
                throw ApiException.invalidField(field + ".tool_call_id", "must be the id of a tool call an earlier assistant message made");
            }
            return new ChatProvider.Message(role, text(m.content(), field), List.of(), m.toolCallId());
        }
        return new ChatProvider.Message(role, text(m.content(), field));
    }

    /** The functions declared and the choice among them; {@code tool_choice} without tools is refused. */
    private static Tools tools(List<JsonNode> declared, JsonNode choice) {
        boolean chosen = choice != null && !choice.isNull();
        if (declared == null || declared.isEmpty()) {
            if (chosen && !"none".equals(choice.asText())) {
                throw ApiException.invalidField("tool_choice", "needs tools to choose from");
            }
            return Tools.NONE;
        }
        if (declared.size() > MAX_TOOLS) {
            throw ApiException.invalidField("tools", "may declare up to " + MAX_TOOLS + " functions");
        }
        List<Tool> tools = new ArrayList<>(declared.size());
        Set<String> names = new HashSet<>();
        for (int i = 0; i < declared.size(); i++) {
            JsonNode tool = declared.get(i);
            String at = "tools[" + i + "]";
            if (!"function".equals(tool.path("type").asText())) {
                throw ApiException.invalidField(at + ".type", "must be function");
            }
            JsonNode function = tool.path("function");
            String name = function.path("name").asText("");
            if (!NAME.matcher(name).matches()) {
                throw ApiException.invalidField(at + ".function.name", "must be 1 to 64 letters, digits, _ or -");
            }
            if (!names.add(name)) {
                throw ApiException.invalidField(at + ".function.name", "is declared twice");
            }
            JsonNode description = function.path("description");
            if (!description.isMissingNode() && !description.isNull() && !description.isTextual()) {
                throw ApiException.invalidField(at + ".function.description", "must be a string");
            }
            JsonNode parameters = function.path("parameters");
            if (!parameters.isMissingNode() && !parameters.isNull() && !parameters.isObject()) {
                throw ApiException.invalidField(at + ".function.parameters", "must be a JSON Schema object");
            }
            tools.add(new Tool(name, description.isTextual() ? description.asText() : null, parameters.isObject()
                    ? new JsonObject(parameters.toString())
                    : new JsonObject().put("type", "object").put("properties", new JsonObject())));
        }
        if (!chosen) {
            return new Tools(tools, "auto", null);
        }
        if (choice.isTextual() && Set.of("none", "auto", "required").contains(choice.asText())) {
            return new Tools(tools, choice.asText(), null);
        }
        String function = choice.path("function").path("name").asText("");
        if (!"function".equals(choice.path("type").asText()) || !names.contains(function)) {
            throw ApiException.invalidField("tool_choice", "must be none, auto, required or {\"type\": \"function\", "
                    + "\"function\": {\"name\": ...}} naming a declared function");
        }
        return new Tools(tools, "function", function);
    }

    /** text, json_object, or json_schema with a name and a schema object. */
    private static ResponseFormat format(JsonNode format) {
        if (format == null || format.isNull()) {
            return ResponseFormat.TEXT;
        }
        return switch (format.path("type").asText()) {
            case "text" -> ResponseFormat.TEXT;
            case "json_object" -> new ResponseFormat("json_object", null, null, null);
            case "json_schema" -> {
                JsonNode schema = format.path("json_schema");
                String name = schema.path("name").asText("");
                if (!NAME.matcher(name).matches()) {
                    throw ApiException.invalidField("response_format.json_schema.name", "must be 1 to 64 letters, digits, _ or -");
                }
                if (!schema.path("schema").isObject()) {
                    throw ApiException.invalidField("response_format.json_schema.schema", "must be a JSON Schema object");
                }
                JsonNode strict = schema.path("strict");
                yield new ResponseFormat("json_schema", name, new JsonObject(schema.path("schema").toString()),
                        strict.isBoolean() ? strict.asBoolean() : null);
            }
            default -> throw ApiException.invalidField("response_format.type", "must be text, json_object or json_schema");
        };
    }

    /** A message's content: a string, or an array of text parts. */
    static String text(JsonNode content, String field) {
        if (content == null || content.isNull()) {
            throw ApiException.invalidField(field + ".content", "is required");
        }
        if (content.isTextual()) {
            return content.asText();
        }
        if (content.isArray()) {
            StringBuilder text = new StringBuilder();
            for (JsonNode part : content) {
                if (!"text".equals(part.path("type").asText()) || !part.path("text").isTextual()) {
                    throw ApiException.invalidField(field + ".content", "only text parts are available");
                }
                text.append(part.path("text").asText());
            }
            return text.toString();
        }
        throw ApiException.invalidField(field + ".content", "must be a string or an array of text parts");
    }

    private static List<String> stop(JsonNode stop) {
        if (stop == null || stop.isNull()) {
            return List.of();
        }
        if (stop.isTextual()) {
            return List.of(stop.asText());
        }
        if (stop.isArray() && stop.size() <= MAX_STOP_SEQUENCES) {
            List<String> sequences = new ArrayList<>();
            for (JsonNode s : stop) {
                if (!s.isTextual()) {
                    throw ApiException.invalidField("stop", "must be a string or an array of up to 4 strings");
                }
                sequences.add(s.asText());
            }
            return sequences;
        }
        throw ApiException.invalidField("stop", "must be a string or an array of up to 4 strings");
    }
}
