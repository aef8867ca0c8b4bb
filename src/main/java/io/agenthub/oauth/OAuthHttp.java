package io.agenthub.oauth;

import java.net.URI;
import java.util.Map;

import jakarta.enterprise.context.ApplicationScoped;

import io.smallrye.mutiny.Uni;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.WebClientOptions;
import io.vertx.mutiny.core.MultiMap;
import io.vertx.mutiny.core.Vertx;
import io.vertx.mutiny.ext.web.client.HttpResponse;
import io.vertx.mutiny.ext.web.client.WebClient;

/** Non-blocking HTTP to authorization and resource servers, whose addresses are only known at run time. */
@ApplicationScoped
public class OAuthHttp {

    private final WebClient client;
    private final long timeoutMs;

    public OAuthHttp(Vertx vertx, OAuthConfig config) {
        this.timeoutMs = config.httpTimeout().toMillis();
        this.client = WebClient.create(vertx, new WebClientOptions()
                .setConnectTimeout((int) timeoutMs)
                .setFollowRedirects(false)
                .setUserAgent("agent-hub"));
    }

    /** GET without credentials; the response whatever its status (discovery reads 401s). */
    public Uni<HttpResponse<io.vertx.mutiny.core.buffer.Buffer>> get(String url) {
        return client.getAbs(url).timeout(timeoutMs).putHeader("Accept", "application/json").send()
                .onFailure().transform(e -> unreachable(url, e));
    }

    /** GET a JSON document, or null on 404. */
    public Uni<JsonObject> getJson(String url) {
        return get(url).map(response -> {
            if (response.statusCode() == 404) {
                return null;
            }
            if (response.statusCode() != 200) {
                throw new OAuthUpstreamException("Fetching " + url + " answered HTTP " + response.statusCode() + ".", null);
            }
            return json(url, response);
        });
    }

    /** POST a form (token, revocation endpoints); the JSON answer and status. */
    public Uni<Answer> postForm(String url, Map<String, String> form, String basicUser, String basicPassword) {
        MultiMap body = MultiMap.caseInsensitiveMultiMap();
        form.forEach((k, v) -> {
            if (v != null) {
                body.add(k, v);
            }
        });
        var request = client.postAbs(url).timeout(timeoutMs).putHeader("Accept", "application/json");
        if (basicUser != null && basicPassword != null) {
            request.basicAuthentication(basicUser, basicPassword);
        }
        return request.sendForm(body)
                .onFailure().transform(e -> unreachable(url, e))
                .map(response -> new Answer(response.statusCode(), bodyOrEmpty(response)));
    }

    /** POST a JSON document (dynamic client registration). */
    public Uni<Answer> postJson(String url, JsonObject document) {
        return client.postAbs(url).timeout(timeoutMs).putHeader("Accept", "application/json").sendJsonObject(document)
                .onFailure().transform(e -> unreachable(url, e))
                .map(response -> new Answer(response.statusCode(), bodyOrEmpty(response)));
    }

    public record Answer(int status, JsonObject body) {
        public boolean ok() {
            return status >= 200 && status < 300;
        }

        public String error() {
            return body.getValue("error") instanceof String s ? s : null;
        }
    }

    private static JsonObject bodyOrEmpty(HttpResponse<io.vertx.mutiny.core.buffer.Buffer> response) {
        try {
            return response.body() == null ? new JsonObject() : response.bodyAsJsonObject();
        } catch (DecodeException | ClassCastException e) {
            return new JsonObject();
        }
    }

    static JsonObject json(String url, HttpResponse<io.vertx.mutiny.core.buffer.Buffer> response) {
        try {
            JsonObject json = response.bodyAsJsonObject();
            if (json == null) {
                throw new OAuthUpstreamException("The document at " + url + " is empty.", null);
            }
            return json;
        } catch (DecodeException | ClassCastException e) {
            throw new OAuthUpstreamException("The document at " + url + " is not a JSON object.", null);
        }
    }

    private static Throwable unreachable(String url, Throwable e) {
        if (e instanceof OAuthUpstreamException) {
            return e;
        }
        return new OAuthUpstreamException("The server at " + URI.create(url).getHost() + " could not be reached.", null);
    }
}
