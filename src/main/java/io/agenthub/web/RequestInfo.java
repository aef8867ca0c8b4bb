package io.agenthub.web;

import java.util.UUID;
import java.util.regex.Pattern;

import jakarta.enterprise.context.RequestScoped;

/** Where a request came from, for audit rows and problem responses. Filled once by {@link RequestInfoFilter}. */
@RequestScoped
public class RequestInfo {

    private static final Pattern CLIENT_REQUEST_ID = Pattern.compile("[A-Za-z0-9._:-]{1,128}");

    private String requestId;
    private String clientRequestId;
    private String ipAddress;
    private String userAgent;
    private boolean openAi;

    void init(String clientRequestId, String ipAddress, String userAgent, String path) {
        this.openAi = path != null && path.startsWith(Problem.OPENAI_PATH);
        // the hub's own id is always its own: a client's cannot collide with, or pose as, another request's
        this.requestId = UUID.randomUUID().toString();
        this.clientRequestId = clientRequestId != null && CLIENT_REQUEST_ID.matcher(clientRequestId).matches() ? clientRequestId : null;
        this.ipAddress = ipAddress;
        this.userAgent = userAgent == null ? null : userAgent.substring(0, Math.min(userAgent.length(), 1024));
    }

    public String requestId() {
        if (requestId == null) {
            requestId = UUID.randomUUID().toString();
        }
        return requestId;
    }

    /** The client's own X-Request-Id, when it sent a sane one (at most 128 of A-Z a-z 0-9 . _ : -); else null. */
    public String clientRequestId() {
        return clientRequestId;
    }

    public String ipAddress() {
        return ipAddress;
    }

    public String userAgent() {
        return userAgent;
    }

    /** The request is to the OpenAI-compatible API, and its errors take OpenAI's shape. */
    public boolean openAi() {
        return openAi;
    }
}
