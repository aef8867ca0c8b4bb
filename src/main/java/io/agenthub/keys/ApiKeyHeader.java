package io.agenthub.keys;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

import io.vertx.core.http.HttpHeaders;
import io.vertx.ext.web.Router;

/**
 * Anthropic's clients send their key as {@code x-api-key}: it is the same credential as a bearer
 * token, so a request with it and no Authorization header is authenticated as if it had sent
 * {@code Authorization: Bearer <key>}.
 */
@ApplicationScoped
public class ApiKeyHeader {

    static final String HEADER = "x-api-key";

    void asBearer(@Observes Router router) {
        router.route().order(Integer.MIN_VALUE).handler(ctx -> {
            String key = ctx.request().getHeader(HEADER);
            if (key != null && !key.isBlank() && ctx.request().getHeader(HttpHeaders.AUTHORIZATION) == null) {
                ctx.request().headers().set(HttpHeaders.AUTHORIZATION, "Bearer " + key.strip());
            }
            ctx.next();
        });
    }
}
