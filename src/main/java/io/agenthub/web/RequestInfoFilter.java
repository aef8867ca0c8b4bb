package io.agenthub.web;

import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.container.ContainerResponseContext;

import org.jboss.resteasy.reactive.server.ServerRequestFilter;
import org.jboss.resteasy.reactive.server.ServerResponseFilter;

import io.vertx.core.http.HttpServerRequest;

/** Gives every request an id of the hub's own and echoes it back, with the client's X-Request-Id beside it when sane. */
public class RequestInfoFilter {

    public static final String REQUEST_ID = "X-Request-Id";
    /** The client's own request id, echoed back beside the hub's. */
    public static final String CLIENT_REQUEST_ID = "X-Client-Request-Id";

    private final RequestInfo info;

    public RequestInfoFilter(RequestInfo info) {
        this.info = info;
    }

    @ServerRequestFilter(preMatching = true, priority = 10)
    public void capture(ContainerRequestContext request, HttpServerRequest http) {
        info.init(request.getHeaderString(REQUEST_ID),
                http.remoteAddress() == null ? null : http.remoteAddress().hostAddress(),
                request.getHeaderString("User-Agent"), http.path());
    }

    @ServerResponseFilter
    public void echo(ContainerResponseContext response) {
        response.getHeaders().putSingle(REQUEST_ID, info.requestId());
        if (info.clientRequestId() != null) {
            response.getHeaders().putSingle(CLIENT_REQUEST_ID, info.clientRequestId());
        }
    }
}
