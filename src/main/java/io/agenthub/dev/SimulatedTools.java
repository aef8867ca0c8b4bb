package io.agenthub.dev;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * How a simulated model uses tools, in both providers' wire formats: offered functions and not
 * told otherwise, it calls one (the one required, else the first) with arguments that fit its
 * schema; given the results, it answers in words that quote them. The dev simulator and the
 * tests' fake providers both behave so.
 */
public final class SimulatedTools {

    private SimulatedTools() {
    }

    /** The function a model would call, in OpenAI's request shape; null when it answers in words. */
    public static JsonNode openAiCall(JsonNode request) {
        JsonNode tools = request.path("tools");
        JsonNode messages = request.path("messages");
        JsonNode choice = request.path("tool_choice");
        if (!tools.isArray() || tools.isEmpty() || "none".equals(choice.asText())
                || "tool".equals(messages.get(messages.size() - 1).path("role").asText())) {
            return null;
        }
        String required = choice.path("function").path("name").asText(null);
        for (JsonNode tool : tools) {
            if (required == null || required.equals(tool.path("function").path("name").asText())) {
                return tool.path("function");
            }
        }
        return tools.get(0).path("function");
    }

    /** The same in Gemini's: a functionDeclaration, or null. */
    public static JsonNode geminiCall(JsonNode request) {
        JsonNode declarations = request.path("tools").path(0).path("functionDeclarations");
        JsonNode contents = request.path("contents");
        JsonNode calling = request.path("toolConfig").path("functionCallingConfig");
        if (!declarations.isArray() || declarations.isEmpty() || "NONE".equals(calling.path("mode").asText())
                || contents.get(contents.size() - 1).path("parts").path(0).has("functionResponse")) {
            return null;
        }
        String allowed = calling.path("allowedFunctionNames").path(0).asText(null);
        for (JsonNode declaration : declarations) {
            if (allowed == null || allowed.equals(declaration.path("name").asText())) {
                return declaration;
            }
        }
        return declarations.get(0);
    }

    /** Arguments that fit a JSON Schema object: every required property, with a value of its type. */
    public static Map<String, Object> arguments(JsonNode schema) {
        Map<String, Object> arguments = new LinkedHashMap<>();
        for (JsonNode name : schema.path("required")) {
            String type = schema.path("properties").path(name.asText()).path("type").asText("string");
            arguments.put(name.asText(), switch (type) {
                case "integer", "number" -> 21;
                case "boolean" -> true;
                case "array" -> List.of();
                case "object" -> Map.of();
                default -> "Paris";
            });
        }
        return arguments;
    }

    /** What the tool messages at the end of an OpenAI conversation said, joined. */
    public static String openAiResults(JsonNode messages) {
        List<String> results = new ArrayList<>();
        for (int i = messages.size() - 1; i >= 0 && "tool".equals(messages.get(i).path("role").asText()); i--) {
            results.add(0, messages.get(i).path("content").asText());
        }
        return String.join(" ", results);
    }

    /**
     * Gemini's own rule, checked as Vertex AI checks it: a turn of function responses answers the
     * model turn before it, one response per call, by name. The problem, or null.
     */
    public static String geminiTurnsProblem(JsonNode contents) {
        for (int i = 0; i < contents.size(); i++) {
            List<String> responses = new ArrayList<>();
            contents.get(i).path("parts").forEach(p -> {
                if (p.has("functionResponse")) {
                    responses.add(p.path("functionResponse").path("name").asText());
                }
            });
            if (responses.isEmpty()) {
                continue;
            }
            List<String> calls = new ArrayList<>();
            if (i > 0 && "model".equals(contents.get(i - 1).path("role").asText())) {
                contents.get(i - 1).path("parts").forEach(p -> {
                    if (p.has("functionCall")) {
                        calls.add(p.path("functionCall").path("name").asText());
                    }
                });
            }
            if (!calls.equals(responses)) {
                return "Please ensure that the number of function response parts is equal to the number of function call parts "
                        + "of the function call turn.";
            }
        }
        return null;
    }
}
