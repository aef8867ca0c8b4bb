package io.agenthub.oauth;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Map;
import java.util.regex.Pattern;

import jakarta.enterprise.context.ApplicationScoped;

import org.jboss.logging.Logger;

import io.agenthub.outbound.OutboundHttp;
import io.smallrye.mutiny.Uni;
import io.vertx.core.MultiMap;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonObject;

/**
 * HTTP to authorization and resource servers, through the outbound policy. What a server answered
 * (a status, an unreachable host) goes to the log; the caller's problem names only the step that
 * failed, so the hub cannot be used to probe what answers where.
 */
@ApplicationScoped
public class OAuthHttp {

    private static final Logger LOG = Logger.getLogger(OAuthHttp.class);
    /** An OAuth error code as RFC 6749 section 5.2 allows, and short: anything else is not passed on. */
    private static final Pattern ERROR_CODE = Pattern.compile("[\\x20\\x21\\x23-\\x5B\\x5D-\\x7E]{1,64}");

    private final OutboundHttp http;

    public OAuthHttp(OutboundHttp http) {
        this.http = http;
    }

    /** GET without credentials; the response whatever its status (discovery reads 401s). */
    public Uni<OutboundHttp.Response> get(String what, String url) {
        return http.send(what, HttpMethod.GET, url, MultiMap.caseInsensitiveMultiMap().add("Accept", "application/json"), null)
                .onFailure(OutboundHttp.Unreachable.class).transform(e -> unusable(what, url, e.getMessage()));
    }

    /** GET a JSON document, or null on 404. */
    public Uni<JsonObject> getJson(String what, String url) {
        return get(what, url).map(response -> {
            if (response.status() == 404) {
                return null;
            }
            if (response.status() != 200) {
                throw unusable(what, url, "HTTP " + response.status());
            }
            JsonObject json = object(response.body());
            if (json == null) {
                throw unusable(what, url, "not a JSON object");
            }
            return json;
        });
    }

    /** POST a form (token, revocation endpoints); the JSON answer and status. */
    public Uni<Answer> postForm(String what, String url, Map<String, String> form, String basicUser, String basicPassword) {
        StringBuilder body = new StringBuilder();
        form.forEach((k, v) -> {
            if (v != null) {
                body.append(body.isEmpty() ? "" : "&").append(enc(k)).append('=').append(enc(v));
            }
        });
        MultiMap headers = MultiMap.caseInsensitiveMultiMap().add("Accept", "application/json")
                .add("Content-Type", "application/x-www-form-urlencoded");
        if (basicUser != null && basicPassword != null) {
            // RFC 6749 section 2.3.1: both parts form-encoded before Basic
            headers.add("Authorization", "Basic " + Base64.getEncoder()
                    .encodeToString((enc(basicUser) + ":" + enc(basicPassword)).getBytes(StandardCharsets.UTF_8)));
        }
        return answer(what, url, HttpMethod.POST, headers, Buffer.buffer(body.toString()));
    }

    /** POST a JSON document (dynamic client registration). */
    public Uni<Answer> postJson(String what, String url, JsonObject document) {
        return answer(what, url, HttpMethod.POST, MultiMap.caseInsensitiveMultiMap().add("Accept", "application/json")
                .add("Content-Type", "application/json"), document.toBuffer());
    }

    private Uni<Answer> answer(String what, String url, HttpMethod method, MultiMap headers, Buffer body) {
        return http.send(what, method, url, headers, body)
                .onFailure(OutboundHttp.Unreachable.class).transform(e -> unusable(what, url, e.getMessage()))
                .map(response -> {
                    if (response.status() >= 300 && response.status() < 400) {
                        LOG.infof("%s at %s answered a redirect (HTTP %d), not followed", what, host(url), response.status());
                    }
                    JsonObject json = object(response.body());
                    return new Answer(response.status(), json == null ? new JsonObject() : json);
                });
    }

    public record Answer(int status, JsonObject body) {
        public boolean ok() {
            return status >= 200 && status < 300;
        }

        /** The OAuth error code the server sent, when it is one. */
        public String error() {
            return body.getValue("error") instanceof String s && ERROR_CODE.matcher(s).matches() ? s : null;
        }
    }

    /** The failure a caller sees: the step and the host, nothing of what happened there. */
    static OAuthUpstreamException unusable(String what, String url, String why) {
        LOG.infof("%s at %s could not be used: %s", what, url, why);
        return new OAuthUpstreamException("Agent Hub could not use " + what + " at " + host(url) + ".", null);
    }

    private static JsonObject object(Buffer body) {
        if (body == null || body.length() == 0) {
            return null;
        }
        try {
            return body.toJson() instanceof JsonObject json ? json : null;
        } catch (DecodeException e) {
            return null;
        }
    }

    static String host(String url) {
        try {
            String host = URI.create(url).getHost();
            return host == null ? "the server" : host;
        } catch (IllegalArgumentException e) {
            return "the server";
        }
    }

    private static String enc(String value) {
        return java.net.URLEncoder.encode(value, StandardCharsets.UTF_8);
    }
}
