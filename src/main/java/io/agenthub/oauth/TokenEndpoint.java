package io.agenthub.oauth;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;

import jakarta.enterprise.context.ApplicationScoped;

import org.jboss.logging.Logger;

import io.smallrye.mutiny.Uni;

/**
 * The authorization server's token and revocation endpoints (RFC 6749, RFC 7009), with the
 * resource indicator (RFC 8707) on every grant. A client with a secret authenticates with HTTP
 * Basic; a public client sends only its id.
 */
@ApplicationScoped
public class TokenEndpoint {

    private static final Logger LOG = Logger.getLogger(TokenEndpoint.class);

    private static final java.util.regex.Pattern TOKEN = java.util.regex.Pattern.compile("[\\x21-\\x7E]{1,16384}");

    private final OAuthHttp http;

    public TokenEndpoint(OAuthHttp http) {
        this.http = http;
    }

    /** What a token endpoint issued. */
    record Tokens(String accessToken, String refreshToken, String tokenType, String scope, Instant expiresAt) {
        @Override
        public String toString() {
            return "Tokens[" + tokenType + ", " + scope + "]";
        }
    }

    /** The authorization code grant, with the PKCE verifier of the authorization that produced the code. */
    Uni<Tokens> exchange(OAuthClient client, String secret, String code, String verifier, String redirectUri, String resource) {
        Map<String, String> form = new LinkedHashMap<>();
        form.put("grant_type", "authorization_code");
        form.put("code", code);
        form.put("redirect_uri", redirectUri);
        form.put("client_id", client.clientId());
        form.put("code_verifier", verifier);
        form.put("resource", resource);
        return post("the token endpoint", client.tokenEndpoint(), form, client, secret).map(answer -> tokens(answer, null));
    }

    /** The refresh grant; the answer is the caller's to judge (a refused grant is not a failure of the call). */
    Uni<OAuthHttp.Answer> refresh(OAuthClient client, String secret, String refreshToken) {
        Map<String, String> form = new LinkedHashMap<>();
        form.put("grant_type", "refresh_token");
        form.put("refresh_token", refreshToken);
        form.put("client_id", client.clientId());
        form.put("resource", client.resource());
        return post("the token endpoint", client.tokenEndpoint(), form, client, secret);
    }

    /** Parses a token endpoint answer; {@code previousRefresh} is kept when a refresh answer rotates nothing. */
    static Tokens tokens(OAuthHttp.Answer answer, String previousRefresh) {
        if (!answer.ok()) {
            throw new OAuthUpstreamException("The token endpoint refused the request.", answer.error());
        }
        var body = answer.body();
        // printable, no spaces, bounded: it goes into Authorization headers (RFC 6750 section 2.1)
        if (!(body.getValue("access_token") instanceof String access) || !TOKEN.matcher(access).matches()) {
            throw new OAuthUpstreamException("The token endpoint answered without a usable access_token.", null);
        }
        Instant expires = body.getValue("expires_in") instanceof Number n ? Instant.now().plusSeconds(n.longValue()) : null;
        String refresh = body.getValue("refresh_token") instanceof String r && TOKEN.matcher(r).matches() ? r : previousRefresh;
        String type = body.getValue("token_type") instanceof String t && t.matches("[A-Za-z0-9_.-]{1,50}") ? t : "Bearer";
        String scope = body.getValue("scope") instanceof String s && s.length() <= 2048 ? s : null;
        return new Tokens(access, refresh, type.equalsIgnoreCase("bearer") ? "Bearer" : type, scope, expires);
    }

    /**
     * Revokes the refresh token, then the access token, where the server offers revocation. Never
     * fails: the connection is removed locally even when the server cannot be told.
     */
    Uni<Void> revoke(OAuthClient client, String secret, TokenCipher.StoredToken token) {
        if (client.revocationEndpoint() == null) {
            return Uni.createFrom().voidItem();
        }
        Uni<Void> refresh = token.refreshToken() == null ? Uni.createFrom().voidItem()
                : revoke(client, secret, token.refreshToken(), "refresh_token");
        return refresh.chain(() -> revoke(client, secret, token.accessToken(), "access_token"));
    }

    private Uni<Void> revoke(OAuthClient client, String secret, String value, String hint) {
        Map<String, String> form = new LinkedHashMap<>();
        form.put("token", value);
        form.put("token_type_hint", hint);
        form.put("client_id", client.clientId());
        return post("the revocation endpoint", client.revocationEndpoint(), form, client, secret)
                .invoke(answer -> {
                    if (!answer.ok()) {
                        LOG.warnf("Revoking a %s of configuration %s answered HTTP %d", hint, client.configId(), answer.status());
                    }
                })
                .replaceWithVoid()
                .onFailure().recoverWithUni(e -> {
                    LOG.warnf("Revoking a %s of configuration %s failed: %s", hint, client.configId(), e.getMessage());
                    return Uni.createFrom().voidItem();
                });
    }

    private Uni<OAuthHttp.Answer> post(String what, String url, Map<String, String> form, OAuthClient client, String secret) {
        boolean confidential = secret != null && !secret.isEmpty();
        return http.postForm(what, url, form, confidential ? client.clientId() : null, confidential ? secret : null);
    }
}
