package io.agenthub.agents;

import org.eclipse.microprofile.faulttolerance.exceptions.BulkheadException;
import org.eclipse.microprofile.faulttolerance.exceptions.CircuitBreakerOpenException;
import org.eclipse.microprofile.faulttolerance.exceptions.TimeoutException;

import io.agenthub.agents.providers.ProviderException;
import io.agenthub.web.ApiException;

/**
 * How a guarded call to an agent failed, in the three forms it is reported: the problem the client
 * gets, the execution's status, and its error code.
 *
 * @param status timeout, rejected (an open breaker, a full bulkhead or a request the provider cannot take: no upstream
 *        call) or error
 */
public record UpstreamFailure(ApiException error, String status, String code) {

    public static UpstreamFailure of(Throwable failure, Agent agent) {
        ApiException error = error(failure, agent);
        boolean untranslatable = !(failure instanceof ProviderException) && failure instanceof ApiException refused
                && refused.status() < 500;
        String status = failure instanceof TimeoutException || error.status() == 504 ? "timeout"
                : failure instanceof CircuitBreakerOpenException || failure instanceof BulkheadException || untranslatable ? "rejected"
                : "error";
        String code = failure instanceof ProviderException p ? p.code()
                : untranslatable ? "unsupported_request"
                : failure instanceof CircuitBreakerOpenException ? "circuit_open"
                : failure instanceof BulkheadException ? "bulkhead_full"
                : failure instanceof TimeoutException ? "timeout" : "internal_error";
        return new UpstreamFailure(error, status, code);
    }

    private static ApiException error(Throwable failure, Agent agent) {
        if (failure instanceof ApiException api) {
            return api;
        }
        if (failure instanceof CircuitBreakerOpenException) {
            return ApiException.unavailable("Agent '" + agent.name + "' is failing; its circuit breaker is open.",
                    Math.max(1, agent.breakerOpenMs / 1000));
        }
        if (failure instanceof BulkheadException) {
            return ApiException.unavailable("Agent '" + agent.name + "' is at its concurrency limit; retry shortly.", 1);
        }
        if (failure instanceof TimeoutException) {
            return ProviderException.timeout(agent.provider());
        }
        return ApiException.badGateway("The agent failed to answer.");
    }
}
