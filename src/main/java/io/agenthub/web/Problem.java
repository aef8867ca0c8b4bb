package io.agenthub.web;

import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.annotation.JsonAnyGetter;
import com.fasterxml.jackson.annotation.JsonInclude;

import io.quarkus.runtime.annotations.RegisterForReflection;

/** RFC 9457 problem details, plus the request id and, for validation failures, the offending fields. */
@RegisterForReflection
@JsonInclude(JsonInclude.Include.NON_EMPTY)
public record Problem(String type, String title, int status, String detail, String instance, String requestId,
        List<FieldError> errors, @com.fasterxml.jackson.annotation.JsonIgnore Map<String, Object> extensions) {

    public static final String MEDIA_TYPE = "application/problem+json";

    /** The one way a problem body is built: the HTTP layer, the exception mapper and a stream's error event. */
    public static Problem of(int status, String title, String detail, String requestId, List<FieldError> errors,
            Map<String, Object> extensions) {
        return new Problem("about:blank", title, status, detail, null, requestId, errors, extensions);
    }

    public static Problem of(ApiException e, String requestId) {
        return of(e.status(), e.title(), e.getMessage(), requestId, e.errors(), e.extensions());
    }

    @RegisterForReflection
    public record FieldError(String field, String message) {
    }

    /** Requests under this path prefix speak OpenAI's API, errors included. */
    public static final String OPENAI_PATH = "/v1/";

    /**
     * The same problem in OpenAI's error shape, for the OpenAI-compatible API: its SDKs pick their
     * exception by status and read {@code error.message}, {@code type}, {@code code} and
     * {@code param}.
     */
    public OpenAiError asOpenAi() {
        FieldError field = errors == null || errors.isEmpty() ? null : errors.get(0);
        String message = field == null ? detail : field.field() + " " + field.message();
        String type = switch (status) {
            case 401 -> "authentication_error";
            case 403 -> "permission_error";
            case 429 -> "rate_limit_error";
            default -> status >= 500 ? "server_error" : "invalid_request_error";
        };
        Object code = extensions == null ? null : extensions.get("code");
        return new OpenAiError(new OpenAiError.Body(message, type, code instanceof String c ? c : null,
                field == null ? null : field.field()));
    }

    @RegisterForReflection
    public record OpenAiError(Body error) {

        @RegisterForReflection
        @JsonInclude(JsonInclude.Include.ALWAYS)
        public record Body(String message, String type, String code, String param) {
        }
    }

    @JsonAnyGetter
    public Map<String, Object> extensionMembers() {
        return extensions == null ? Map.of() : extensions;
    }
}
