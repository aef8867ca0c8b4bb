package io.agenthub.openai;

import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;

import org.jboss.resteasy.reactive.server.ServerRequestFilter;

/**
 * On {@code POST /v1/chat/completions} the body says whether the answer streams, so the Accept
 * header does not choose between JSON and events: OpenAI's SDKs ask for {@code text/event-stream}
 * when they stream, curl for anything, and both get what the body asked for
 * ({@link OpenAiResource#complete}).
 */
public class CompletionNegotiation {

    static final String COMPLETIONS = "/v1/chat/completions";

    @ServerRequestFilter(preMatching = true)
    public void bodyDecides(ContainerRequestContext request) {
        if ("POST".equals(request.getMethod()) && COMPLETIONS.equals(request.getUriInfo().getPath())) {
            request.getHeaders().putSingle(HttpHeaders.ACCEPT, MediaType.APPLICATION_JSON);
        }
    }
}
