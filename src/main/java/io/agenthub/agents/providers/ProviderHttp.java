package io.agenthub.agents.providers;

import java.net.ConnectException;
import java.util.concurrent.TimeoutException;

import jakarta.enterprise.context.ApplicationScoped;

import io.smallrye.mutiny.Uni;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.WebClientOptions;
import io.vertx.mutiny.core.Vertx;
import io.vertx.mutiny.core.buffer.Buffer;
import io.vertx.mutiny.ext.web.client.HttpRequest;
import io.vertx.mutiny.ext.web.client.HttpResponse;
import io.vertx.mutiny.ext.web.client.WebClient;

/** Non-blocking HTTP to LLM providers; timeouts are the agent guards' job. */
@ApplicationScoped
public class ProviderHttp {

    private final WebClient client;

    public ProviderHttp(Vertx vertx) {
        this.client = WebClient.create(vertx, new WebClientOptions().setConnectTimeout(10_000).setKeepAlive(true)
                .setMaxPoolSize(64).setUserAgent("agent-hub"));
    }

    public HttpRequest<Buffer> post(String url) {
        return client.postAbs(url).putHeader("Accept", "application/json");
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
        String header = response.getHeader("Retry-After");
        if (header == null) {
            return null;
        }
        try {
            return Math.max(0, Long.parseLong(header.trim())) * 1000;
        } catch (NumberFormatException e) {
            return null;
        }
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
