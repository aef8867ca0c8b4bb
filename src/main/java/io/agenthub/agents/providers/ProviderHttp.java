package io.agenthub.agents.providers;

import java.net.ConnectException;
import java.util.concurrent.TimeoutException;

import jakarta.enterprise.context.ApplicationScoped;

import java.util.Map;

import io.agenthub.web.HttpLimits;
import io.smallrye.mutiny.Uni;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpVersion;
import io.vertx.core.http.RequestOptions;
import io.vertx.mutiny.core.http.HttpClient;
import io.vertx.mutiny.core.http.HttpClientResponse;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.WebClientOptions;
import io.vertx.mutiny.core.Vertx;
import io.vertx.mutiny.core.buffer.Buffer;
import io.vertx.mutiny.ext.web.client.HttpRequest;
import io.vertx.mutiny.ext.web.client.HttpResponse;
import io.vertx.mutiny.ext.web.client.WebClient;

/**
 * Non-blocking HTTP to LLM providers; timeouts are the agent guards' job. The connection pools
 * are as large as the API's own limit on requests in progress, so only the configured limits
 * (that one and each agent's concurrency) ever make a call wait, never a pool default. Over TLS
 * the clients offer HTTP/2 (ALPN), and many calls then share one connection.
 */
@ApplicationScoped
public class ProviderHttp {

    private static final org.jboss.logging.Logger LOG = org.jboss.logging.Logger.getLogger(ProviderHttp.class);

    private final Vertx vertx;
    private final WebClient plain;
    private final WebClient tls;
    private final HttpClient plainStreams;
    private final HttpClient tlsStreams;

    public ProviderHttp(Vertx vertx, HttpLimits limits) {
        this.vertx = vertx;
        int pool = limits.maxInFlight();
        WebClientOptions plainOptions = options(new WebClientOptions().setUserAgent("agent-hub"), pool, false);
        WebClientOptions tlsOptions = options(new WebClientOptions().setUserAgent("agent-hub"), pool, true);
        this.plain = WebClient.wrap(quiet(vertx.createHttpClient(plainOptions)), plainOptions);
        this.tls = WebClient.wrap(quiet(vertx.createHttpClient(tlsOptions)), tlsOptions);
        this.plainStreams = quiet(vertx.createHttpClient(options(new HttpClientOptions(), pool, false)));
        this.tlsStreams = quiet(vertx.createHttpClient(options(new HttpClientOptions(), pool, true)));
    }

    /**
     * A provider that resets a connection fails the call on it, which the caller answers; what is
     * left for the connection itself (a reset of an idle pooled one, or after its call was given up)
     * is nobody's error, and Vert.x would log each as one.
     */
    private static HttpClient quiet(HttpClient client) {
        return client.connectionHandler(connection -> connection.exceptionHandler(
                e -> LOG.debugf("Provider connection to %s ended: %s", connection.remoteAddress(), e.getMessage())));
    }

    private static <O extends HttpClientOptions> O options(O options, int pool, boolean tls) {
        options.setConnectTimeout(10_000).setKeepAlive(true).setMaxPoolSize(pool).setHttp2MaxPoolSize(pool);
        if (tls) {
            // HTTP/2 where the provider offers it, HTTP/1.1 where it does not
            options.setProtocolVersion(HttpVersion.HTTP_2).setUseAlpn(true);
        }
        return options;
    }

    private static boolean overTls(String url) {
        return url.regionMatches(true, 0, "https:", 0, 6);
    }

    private WebClient client(String url) {
        return overTls(url) ? tls : plain;
    }

    public Vertx vertx() {
        return vertx;
    }

    /**
     * POSTs a JSON body and answers with the response paused at its first byte, once the status is
     * 200; any other status becomes the provider's error (read from its JSON body).
     */
    public Uni<HttpClientResponse> openStream(String provider, String url, Map<String, String> headers, JsonObject body) {
        RequestOptions options = new RequestOptions().setMethod(HttpMethod.POST).setAbsoluteURI(url)
                .putHeader("Content-Type", "application/json").putHeader("Accept", "text/event-stream");
        headers.forEach(options::putHeader);
        return (overTls(url) ? tlsStreams : plainStreams).request(options)
                .chain(request -> request.send(io.vertx.mutiny.core.buffer.Buffer.buffer(body.encode())))
                .onFailure().transform(e -> e instanceof ProviderException ? e : ProviderException.unreachable(provider))
                .chain(response -> {
                    String type = response.getHeader("Content-Type");
                    if (response.statusCode() == 200 && type != null && type.regionMatches(true, 0, "text/event-stream", 0, 17)) {
                        response.pause();
                        // until the stream's reader takes over (SseStream, whose own timer ends a stream that
                        // broke off before it started), a reset is nobody's error: Vert.x would log it as one
                        response.exceptionHandler(e -> LOG.debugf("%s stream ended before it was read: %s", provider, e.getMessage()));
                        return Uni.createFrom().item(response);
                    }
                    if (response.statusCode() == 200) {
                        // a 200 that is no stream says nothing usable, whatever its body
                        response.exceptionHandler(ignored -> {
                        });
                        response.request().reset();
                        return Uni.createFrom().failure(ProviderException.malformed(provider, "the answer is not an event stream"));
                    }
                    Long retryAfter = retryAfterSeconds(response.getHeader("Retry-After"));
                    return response.body().map(buffer -> {
                        String message = null;
                        try {
                            JsonObject json = new JsonObject(buffer.toString());
                            JsonObject error = json.getJsonObject("error");
                            message = error == null ? null : error.getString("message");
                        } catch (RuntimeException ignored) {
                            // not JSON: the status says enough
                        }
                        throw ProviderException.fromStatus(provider, response.statusCode(), message, retryAfter);
                    });
                });
    }

    private static Long retryAfterSeconds(String header) {
        if (header == null) {
            return null;
        }
        try {
            return Math.max(0, Long.parseLong(header.trim())) * 1000;
        } catch (NumberFormatException e) {
            return null;
        }
    }

    public HttpRequest<Buffer> get(String url) {
        return client(url).getAbs(url).putHeader("Accept", "application/json");
    }

    /** GETs a URL and fails with the mapped provider error unless it answers 200. */
    public Uni<Void> probe(String provider, HttpRequest<Buffer> request) {
        return request.timeout(10_000).send()
                .onFailure().transform(e -> e instanceof ProviderException ? e : ProviderException.unreachable(provider))
                .map(response -> {
                    if (response.statusCode() != 200) {
                        throw ProviderException.fromStatus(provider, response.statusCode(), errorMessage(response), retryAfterMs(response));
                    }
                    return null;
                });
    }

    public HttpRequest<Buffer> post(String url) {
        return client(url).postAbs(url).putHeader("Accept", "application/json");
    }

    /** Sends a JSON body; failures to connect become a retryable provider error. */
    public Uni<HttpResponse<Buffer>> send(String provider, HttpRequest<Buffer> request, JsonObject body) {
        return request.sendJsonObject(body).onFailure().transform(e -> e instanceof ProviderException ? e
                : e instanceof TimeoutException ? ProviderException.timeout(provider)
                : e instanceof ConnectException || e.getCause() instanceof ConnectException ? ProviderException.unreachable(provider)
                : ProviderException.unreachable(provider));
    }

    /** The response body as JSON, or an error the caller can map. */
    public static JsonObject json(String provider, HttpResponse<Buffer> response) {
        try {
            JsonObject json = response.bodyAsJsonObject();
            if (json == null) {
                throw ProviderException.malformed(provider, "empty body");
            }
            return json;
        } catch (RuntimeException e) {
            if (e instanceof ProviderException p) {
                throw p;
            }
            throw ProviderException.malformed(provider, "body is not JSON");
        }
    }

    /** Retry-After in seconds (the form providers send), as milliseconds. */
    public static Long retryAfterMs(HttpResponse<Buffer> response) {
        return retryAfterSeconds(response.getHeader("Retry-After"));
    }

    /** The upstream error message of {@code {"error": {"message": ...}}} bodies. */
    public static String errorMessage(HttpResponse<Buffer> response) {
        try {
            JsonObject body = response.bodyAsJsonObject();
            JsonObject error = body == null ? null : body.getJsonObject("error");
            return error == null ? null : error.getString("message");
        } catch (RuntimeException e) {
            return null;
        }
    }
}
