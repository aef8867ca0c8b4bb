package io.agenthub.web;

import io.quarkus.runtime.configuration.MemorySize;
import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/**
 * The request line and header limits the service answers with a problem. They sit below the HTTP
 * server's own ({@code quarkus.http.limits.max-initial-line-length}, {@code max-header-size}),
 * which refuse with an empty body and so are kept only as the last resort against abuse.
 */
@ConfigMapping(prefix = "agent-hub.http")
public interface HttpLimits {

    /** Longest request target (path and query), in characters. */
    @WithDefault("8192")
    int maxUriLength();

    /** Largest total of header names and values. */
    @WithDefault("32K")
    MemorySize maxHeadersSize();

    /**
     * API requests in progress at once; more are answered 503 with Retry-After at once. Arrivals
     * beyond what the service can carry would otherwise queue without bound until the heap ran out.
     */
    @WithDefault("512")
    int maxInFlight();
}
