package io.agenthub.oauth;

import java.util.List;
import java.util.Map;

import io.agenthub.web.ApiException;

/** An authorization or resource server failed us: 502, carrying its OAuth error code when it sent one. */
public class OAuthUpstreamException extends ApiException {

    private final String oauthError;

    public OAuthUpstreamException(String detail, String oauthError) {
        super(502, "Bad Gateway", detail, List.of(), Map.of(),
                oauthError == null ? Map.of() : Map.of("oauthError", oauthError));
        this.oauthError = oauthError;
    }

    public String oauthError() {
        return oauthError;
    }
}
