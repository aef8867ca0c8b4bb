package io.agenthub.web;

import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

import org.eclipse.microprofile.config.inject.ConfigProperty;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.quarkus.runtime.configuration.MemorySize;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;

/**
 * Failures the HTTP layer raises before a request reaches a resource (an oversized body) get the
 * same problem+json body as everything else instead of an empty response.
 */
@ApplicationScoped
public class HttpLayerProblems {

    private final ObjectMapper json;
    private final long maxBodySize;

    public HttpLayerProblems(ObjectMapper json,
            @ConfigProperty(name = "quarkus.http.limits.max-body-size", defaultValue = "10M") MemorySize maxBodySize) {
        this.json = json;
        this.maxBodySize = maxBodySize.asLongValue();
    }

    void install(@Observes Router router) {
        router.route().order(Integer.MIN_VALUE).handler(this::checkDeclaredLength);
    }

    /** Refuses a declared oversized body up front; bodies without Content-Length are cut by the HTTP layer. */
    private void checkDeclaredLength(RoutingContext ctx) {
        String length = ctx.request().getHeader("Content-Length");
        long declared;
        try {
            declared = length == null ? -1 : Long.parseLong(length.trim());
        } catch (NumberFormatException e) {
            declared = -1;
        }
        if (declared <= maxBodySize) {
            ctx.next();
            return;
        }
        String requestId = ctx.request().getHeader(RequestInfoFilter.REQUEST_ID);
        if (requestId == null || requestId.length() > 128) {
            requestId = UUID.randomUUID().toString();
        }
        try {
            byte[] body = json.writeValueAsBytes(new Problem("about:blank", "Content Too Large", 413,
                    "The request body is too large.", null, requestId, null, null));
            ctx.response().setStatusCode(413)
                    .putHeader("Content-Type", Problem.MEDIA_TYPE)
                    .putHeader(RequestInfoFilter.REQUEST_ID, requestId)
                    .putHeader("Connection", "close")
                    .end(io.vertx.core.buffer.Buffer.buffer(body));
        } catch (JsonProcessingException e) {
            ctx.next();
        }
    }
}
