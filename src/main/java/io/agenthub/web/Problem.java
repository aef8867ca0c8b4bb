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

    @JsonAnyGetter
    public Map<String, Object> extensionMembers() {
        return extensions == null ? Map.of() : extensions;
    }
}
