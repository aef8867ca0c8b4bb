package io.agenthub.web;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

import org.eclipse.microprofile.config.inject.ConfigProperty;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.runtime.configuration.MemorySize;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;

/**
 * What the HTTP layer refuses before a request reaches a resource (an oversized body, request line
 * or header block, a NUL in the path, query or a header, an API request beyond the limit of those
 * in progress) gets the same problem+json body as everything else instead of an empty response.
 */
@ApplicationScoped
public class HttpLayerProblems {

    private final ObjectMapper json;
    private final long maxBodySize;
    private final HttpLimits limits;
    private final AtomicInteger inFlight = new AtomicInteger();
    private final Counter shed;

    public HttpLayerProblems(ObjectMapper json, HttpLimits limits, MeterRegistry meters,
            @ConfigProperty(name = "quarkus.http.limits.max-body-size", defaultValue = "10M") MemorySize maxBodySize) {
        this.json = json;
        this.limits = limits;
        this.maxBodySize = maxBodySize.asLongValue();
        this.shed = Counter.builder("agent_hub_requests_shed")
                .description("API requests answered 503 because agent-hub.http.max-in-flight were in progress").register(meters);
    }

    void install(@Observes Router router) {
        router.route().order(Integer.MIN_VALUE).handler(this::check);
    }

    private void check(RoutingContext ctx) {
        HttpServerRequest request = ctx.request();
        String uri = request.uri();
        if (uri.length() > limits.maxUriLength()) {
            refuse(ctx, 414, "URI Too Long", "The request URI is longer than " + limits.maxUriLength() + " characters.", List.of());
            return;
        }
        long headers = 0;
        String nulHeader = null;
        for (Map.Entry<String, String> header : request.headers()) {
            headers += header.getKey().length() + header.getValue().length();
            if (nulHeader == null && NulCharacters.in(header.getValue())) {
                nulHeader = header.getKey();
            }
        }
        if (headers > limits.maxHeadersSize().asLongValue()) {
            refuse(ctx, 431, "Request Header Fields Too Large", "The request headers are too large.", List.of());
            return;
        }
        String nulField = nulHeader != null ? nulHeader : nulInTarget(request.path(), request.query());
        if (nulField != null) {
            refuse(ctx, 400, "Bad Request", "The request is invalid.", List.of(new Problem.FieldError(nulField, NulCharacters.MESSAGE)));
            return;
        }
        if (declaredLength(request) > maxBodySize) {
            refuse(ctx, 413, "Content Too Large", "The request body is too large.", List.of());
            return;
        }
        // health and metrics stay answerable: an overloaded replica is still alive and observable
        if (request.path().startsWith("/api/")) {
            if (inFlight.incrementAndGet() > limits.maxInFlight()) {
                inFlight.decrementAndGet();
                shed.increment();
                ctx.response().putHeader("Retry-After", "1");
                refuse(ctx, 503, "Service Unavailable", "Agent Hub has as many requests in progress as it takes; retry shortly.",
                        List.of());
                return;
            }
            ctx.addEndHandler(ended -> inFlight.decrementAndGet());
        }
        ctx.next();
    }

    /** The query parameter, or "path", that decodes to a NUL; the raw target is decoded only once, so %00 is the only way. */
    private static String nulInTarget(String path, String query) {
        if (encodesNul(path)) {
            return "path";
        }
        if (query == null || !encodesNul(query)) {
            return null;
        }
        for (String pair : query.split("&")) {
            int eq = pair.indexOf('=');
            String name = eq < 0 ? pair : pair.substring(0, eq);
            if (encodesNul(pair.substring(eq + 1))) {
                try {
                    String decoded = URLDecoder.decode(name, StandardCharsets.UTF_8);
                    return NulCharacters.in(decoded) ? "query" : decoded;
                } catch (IllegalArgumentException e) {
                    return "query";
                }
            }
        }
        return "query";
    }

    private static boolean encodesNul(String raw) {
        return raw != null && (raw.indexOf('\0') >= 0 || raw.toLowerCase(Locale.ROOT).contains("%00"));
    }

    private static long declaredLength(HttpServerRequest request) {
        String length = request.getHeader("Content-Length");
        try {
            return length == null ? -1 : Long.parseLong(length.trim());
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    private void refuse(RoutingContext ctx, int status, String title, String detail, List<Problem.FieldError> errors) {
        String requestId = java.util.UUID.randomUUID().toString();
        byte[] body;
        boolean openAi;
        try {
            Problem problem = Problem.of(status, title, detail, requestId, errors, null);
            openAi = ctx.request().path() != null && ctx.request().path().startsWith(Problem.OPENAI_PATH);
            body = openAi ? json.writeValueAsBytes(problem.asOpenAi()) : json.writeValueAsBytes(problem);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
        ctx.response().setStatusCode(status)
                .putHeader("Content-Type", openAi ? "application/json" : Problem.MEDIA_TYPE)
                .putHeader(RequestInfoFilter.REQUEST_ID, requestId)
                .putHeader("Connection", "close")
                .end(Buffer.buffer(body));
    }
}
