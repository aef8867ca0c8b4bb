package io.agenthub.web;

import java.util.UUID;
import java.util.regex.Pattern;

import jakarta.enterprise.context.RequestScoped;

/** Where a request came from, for audit rows and problem responses. Filled once by {@link RequestInfoFilter}. */
@RequestScoped
public class RequestInfo {

    private static final Pattern CLIENT_REQUEST_ID = Pattern.compile("[A-Za-z0-9._:-]{1,128}");

    private String requestId;
    private String ipAddress;
    private String userAgent;
    private boolean openAi;

    void init(String clientRequestId, String ipAddress, String userAgent, String path) {
        this.openAi = path != null && path.startsWith(Problem.OPENAI_PATH);
        this.requestId = idFor(clientRequestId);
        this.ipAddress = ipAddress;
        this.userAgent = userAgent == null ? null : userAgent.substring(0, Math.min(userAgent.length(), 1024));
    }

    /** The client's X-Request-Id when sane, else a new one. */
    static String idFor(String clientRequestId) {
        return clientRequestId != null && CLIENT_REQUEST_ID.matcher(clientRequestId).matches()
                ? clientRequestId
                : UUID.randomUUID().toString();
    }

    public String requestId() {
        if (requestId == null) {
            requestId = UUID.randomUUID().toString();
        }
        return requestId;
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
