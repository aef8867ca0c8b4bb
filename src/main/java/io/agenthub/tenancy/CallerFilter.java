package io.agenthub.tenancy;

import jakarta.ws.rs.Priorities;
import jakarta.ws.rs.container.ContainerRequestContext;

import org.eclipse.microprofile.jwt.JsonWebToken;
import org.jboss.resteasy.reactive.server.ServerRequestFilter;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.agenthub.web.ApiException;
import io.agenthub.web.NulCharacters;
import io.quarkus.security.identity.CurrentIdentityAssociation;
import io.smallrye.mutiny.Uni;

/** Resolves the verified token of every API request into the request's {@link Caller}, once. */
public class CallerFilter {

    static final int MAX_WORKSPACE_CONTEXT = 4096;

    private final CurrentIdentityAssociation identities;
    private final CallerService callers;
    private final CurrentCaller current;
    private final TenancyConfig config;
    private final ObjectMapper json;

    public CallerFilter(CurrentIdentityAssociation identities, CallerService callers, CurrentCaller current,
            TenancyConfig config, ObjectMapper json) {
        this.identities = identities;
        this.callers = callers;
        this.current = current;
        this.config = config;
        this.json = json;
    }

    @ServerRequestFilter(priority = Priorities.AUTHORIZATION + 10)
    public Uni<Void> resolve(ContainerRequestContext request) {
        return identities.getDeferredIdentity().chain(identity -> {
            if (identity.isAnonymous() || !(identity.getPrincipal() instanceof JsonWebToken jwt)) {
                return Uni.createFrom().voidItem();
            }
            String workspace = workspaceContext(request.getHeaderString(config.workspaceHeader()));
            return callers.resolve(CallerService.Login.of(jwt, identity.getRoles(), config, workspace))
                    .invoke(caller -> {
                        current.set(caller);
                        refuseViewerWrites(caller, request);
                    })
                    .replaceWithVoid();
        });
    }

    /**
     * Viewers read only: one rule for every write, decided before the body is validated or anything
     * is looked up. What is under /api/me concerns only the caller (signing out one's own session).
     */
    private static void refuseViewerWrites(Caller caller, ContainerRequestContext request) {
        String method = request.getMethod();
        boolean write = !(method.equals("GET") || method.equals("HEAD") || method.equals("OPTIONS"));
        if (write && caller.role() == Role.VIEWER && !caller.platformAdmin()
                && !request.getUriInfo().getPath().startsWith("/api/me/")) {
            throw ApiException.forbidden("Viewers can read but not change anything.");
        }
    }

    private String workspaceContext(String header) {
        if (header == null || header.isBlank()) {
            return null;
        }
        if (header.length() > MAX_WORKSPACE_CONTEXT) {
            throw ApiException.invalidField(config.workspaceHeader(), "must be at most " + MAX_WORKSPACE_CONTEXT + " characters");
        }
        try {
            JsonNode node = json.readTree(header);
            if (node == null || !node.isObject()) {
                throw ApiException.invalidField(config.workspaceHeader(), "must be a JSON object");
            }
            return node.toString();
        } catch (NulCharacters.Refused e) {
            throw ApiException.invalidField(config.workspaceHeader(), NulCharacters.MESSAGE);
        } catch (JsonProcessingException e) {
            throw ApiException.invalidField(config.workspaceHeader(), "must be a JSON object");
        }
    }
}
