package io.agenthub.web;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A refusal the client can act on. Thrown by services; the one exception mapper turns it into an
 * {@code application/problem+json} response. Messages must never carry secrets or internals.
 */
public class ApiException extends RuntimeException {

    private final int status;
    private final String title;
    private final List<Problem.FieldError> errors;
    private final Map<String, String> headers;
    private final Map<String, Object> extensions;
    private String authFailure;

    public ApiException(int status, String title, String detail) {
        this(status, title, detail, List.of(), Map.of(), Map.of());
    }

    public ApiException(int status, String title, String detail, List<Problem.FieldError> errors,
            Map<String, String> headers, Map<String, Object> extensions) {
        super(detail, null, false, false);
        this.status = status;
        this.title = title;
        this.errors = errors;
        this.headers = headers;
        this.extensions = extensions;
    }

    public int status() {
        return status;
    }

    public String title() {
        return title;
    }

    public List<Problem.FieldError> errors() {
        return errors;
    }

    public Map<String, String> headers() {
        return headers;
    }

    public Map<String, Object> extensions() {
        return extensions;
    }

    /**
     * The same refusal with a machine-readable {@code code} member and a more precise detail, for
     * clients that branch on it (OpenAI's SDKs read {@code error.code}).
     */
    public ApiException withCode(String code, String detail) {
        Map<String, Object> members = new LinkedHashMap<>(extensions);
        members.put("code", code);
        return new ApiException(status, title, detail, errors, headers, Map.copyOf(members));
    }

    /** The sign-in failure this refusal is (see AuthFailures), or null. */
    public String authFailure() {
        return authFailure;
    }

    /** Marks this refusal as a failed sign-in, logged and counted by reason. */
    public ApiException asAuthFailure(String reason) {
        this.authFailure = reason;
        return this;
    }

    public static ApiException badRequest(String detail) {
        return new ApiException(400, "Bad Request", detail);
    }

    public static ApiException invalidField(String field, String message) {
        return new ApiException(400, "Bad Request", "The request is invalid.",
                List.of(new Problem.FieldError(field, message)), Map.of(), Map.of());
    }

    public static ApiException unauthorized(String detail) {
        return new ApiException(401, "Unauthorized", detail);
    }

    public static ApiException forbidden(String detail) {
        return new ApiException(403, "Forbidden", detail);
    }

    /** Also what another organisation's resources look like: their existence is not revealed. */
    public static ApiException notFound(String what) {
        return new ApiException(404, "Not Found", what + " not found.");
    }

    public static ApiException conflict(String detail) {
        return new ApiException(409, "Conflict", detail);
    }

    /** A conflict with members that tell a client what state the resource is in. */
    public static ApiException conflict(String detail, Map<String, Object> extensions) {
        return new ApiException(409, "Conflict", detail, List.of(), Map.of(), extensions);
    }

    public static ApiException unprocessable(String detail) {
        return new ApiException(422, "Unprocessable Content", detail);
    }

    /** Refused, with members that tell the client what it could do instead. */
    public static ApiException unprocessable(String detail, Map<String, Object> extensions) {
        return new ApiException(422, "Unprocessable Content", detail, List.of(), Map.of(), extensions);
    }

    public static ApiException badGateway(String detail) {
        return new ApiException(502, "Bad Gateway", detail);
    }

    /** Refused for now, nothing the caller did wrong: retry after the seconds given. */
    public static ApiException unavailable(String detail, long retryAfterSeconds) {
        return new ApiException(503, "Service Unavailable", detail, List.of(), Map.of("Retry-After", Long.toString(retryAfterSeconds)),
                Map.of());
    }

    /** Slow down: come back after {@code retryAfterSeconds}. */
    public static ApiException tooManyRequests(String detail, long retryAfterSeconds) {
        return new ApiException(429, "Too Many Requests", detail, List.of(), Map.of("Retry-After", Long.toString(retryAfterSeconds)),
                Map.of("code", "rate_limit_exceeded"));
    }

    /** The client went away before its answer (nginx's 499): recorded, never sent. */
    public static ApiException clientClosed() {
        return new ApiException(499, "Client Closed Request", "The client disconnected.");
    }

    /** A bug: no detail leaves the service. */
    public static ApiException internal() {
        return new ApiException(500, "Internal Server Error", "An unexpected error occurred.");
    }
}
