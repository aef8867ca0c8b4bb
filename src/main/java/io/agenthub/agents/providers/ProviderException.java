package io.agenthub.agents.providers;

import java.util.List;
import java.util.Map;

import io.agenthub.web.ApiException;

/**
 * An upstream provider failed. Carries what the client should see (status, the provider's reason)
 * and what the guards need (retryable, Retry-After, whether it counts against the breaker).
 */
public class ProviderException extends ApiException {

    private final String code;
    private final boolean retryable;
    private final Long retryAfterMs;

    public ProviderException(int status, String title, String detail, String code, boolean retryable, Long retryAfterMs) {
        super(status, title, detail, List.of(), Map.of(), Map.of("providerError", code));
        this.code = code;
        this.retryable = retryable;
        this.retryAfterMs = retryAfterMs;
    }

    /** Maps an upstream HTTP status the way clients of Agent Hub need it. */
    public static ProviderException fromStatus(String provider, int upstream, String reason, Long retryAfterMs) {
        String message = provider + ": " + (reason == null || reason.isBlank() ? "HTTP " + upstream : reason);
        return switch (upstream) {
            case 400, 404, 413, 422 -> new ProviderException(422, "Unprocessable Content", message, "bad_request", false, null);
            case 401 -> new ProviderException(502, "Bad Gateway", provider + ": provider credentials rejected", "unauthorized", false, null);
            case 402 -> new ProviderException(502, "Bad Gateway", message, "payment_required", false, null);
            case 403 -> new ProviderException(422, "Unprocessable Content", message, "forbidden", false, null);
            case 408, 504 -> new ProviderException(504, "Gateway Timeout", message, "timeout", true, retryAfterMs);
            case 429 -> new ProviderException(502, "Bad Gateway", message, "rate_limited", true, retryAfterMs);
            default -> new ProviderException(502, "Bad Gateway", message, upstream >= 500 ? "upstream_error" : "upstream_" + upstream,
                    upstream >= 500, retryAfterMs);
        };
    }

    public static ProviderException unreachable(String provider) {
        return new ProviderException(502, "Bad Gateway", provider + ": the provider could not be reached", "connect_error", true, null);
    }

    public static ProviderException timeout(String provider) {
        return new ProviderException(504, "Gateway Timeout", provider + ": the provider did not answer in time", "timeout", false, null);
    }

    public static ProviderException blocked(String provider, String reason) {
        return new ProviderException(422, "Unprocessable Content", provider + ": the prompt was blocked (" + reason + ")",
                "content_filter", false, null);
    }

    public static ProviderException malformed(String provider, String what) {
        return new ProviderException(502, "Bad Gateway", provider + ": malformed response (" + what + ")", "malformed_response", false, null);
    }

    public String code() {
        return code;
    }

    public boolean retryable() {
        return retryable;
    }

    public Long retryAfterMs() {
        return retryAfterMs;
    }

    /** Client mistakes (4xx mapped to 422) say nothing about the provider's health. */
    public boolean countsAgainstProvider() {
        return status() >= 500;
    }
}
