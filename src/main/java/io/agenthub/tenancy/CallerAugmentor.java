package io.agenthub.tenancy;

import java.util.Set;

import jakarta.enterprise.context.ApplicationScoped;

import org.eclipse.microprofile.jwt.JsonWebToken;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.agenthub.web.ApiException;
import io.agenthub.web.NulCharacters;
import io.quarkus.security.identity.AuthenticationRequestContext;
import io.quarkus.security.identity.SecurityIdentity;
import io.quarkus.security.identity.SecurityIdentityAugmentor;
import io.quarkus.security.runtime.QuarkusSecurityIdentity;
import io.quarkus.vertx.http.runtime.security.HttpSecurityUtils;
import io.smallrye.mutiny.Uni;
import io.vertx.core.http.HttpMethod;
import io.vertx.ext.web.RoutingContext;

/**
 * Resolves a verified token into the request's {@link Caller}, once, and gives the identity the
 * caller's roles from the database ({@link Roles}) in place of whatever roles the token names, so
 * resources declare who may call them with {@code @RolesAllowed}. A deactivated user, a suspended
 * organisation or a revoked session fails here with the same problem as anywhere else, and so
 * does a viewer's write.
 */
@ApplicationScoped
public class CallerAugmentor implements SecurityIdentityAugmentor {

    static final int MAX_WORKSPACE_CONTEXT = 4096;

    private final CallerService callers;
    private final TenancyConfig config;
    private final ObjectMapper json;

    public CallerAugmentor(CallerService callers, TenancyConfig config, ObjectMapper json) {
        this.callers = callers;
        this.config = config;
        this.json = json;
    }

    /** The caller an augmented identity carries, or null for an anonymous one. */
    public static Caller of(SecurityIdentity identity) {
        return identity.getAttribute(Caller.class.getName());
    }

    @Override
    public Uni<SecurityIdentity> augment(SecurityIdentity identity, AuthenticationRequestContext context) {
        RoutingContext request = HttpSecurityUtils.getRoutingContextAttribute(identity);
        Caller known = of(identity);
        if (known != null) {
            // resolved already (an API key's identity): the same rules from here on
            try {
                refuseViewerWrites(known, request);
            } catch (ApiException e) {
                return Uni.createFrom().failure(e);
            }
            return Uni.createFrom().item(identity);
        }
        if (identity.isAnonymous() || !(identity.getPrincipal() instanceof JsonWebToken jwt)) {
            return Uni.createFrom().item(identity);
        }
        String workspace;
        try {
            workspace = workspaceContext(request == null ? null : request.request().getHeader(config.workspaceHeader()));
        } catch (ApiException e) {
            return Uni.createFrom().failure(e);
        }
        return callers.resolve(CallerService.Login.of(jwt, identity.getRoles(), config, workspace))
                .invoke(caller -> refuseViewerWrites(caller, request))
                .map(caller -> withCaller(identity, caller));
    }

    /**
     * Viewers read only: one rule for every write, decided before roles are checked, the body is
     * validated or anything is looked up. What is under /api/me concerns only the caller (signing out
     * one's own session).
     */
    private static void refuseViewerWrites(Caller caller, RoutingContext request) {
        if (request == null || caller.role() != Role.VIEWER || caller.platformAdmin()) {
            return;
        }
        HttpMethod method = request.request().method();
        boolean write = !(method == HttpMethod.GET || method == HttpMethod.HEAD || method == HttpMethod.OPTIONS);
        if (write && !request.normalizedPath().startsWith("/api/me/")) {
            throw ApiException.forbidden("Viewers can read but not change anything.");
        }
    }

    /** {@code verified} carrying {@code caller} and the caller's roles from the database. */
    public static SecurityIdentity withCaller(SecurityIdentity verified, Caller caller) {
        Set<String> roles = caller.role().withWeaker();
        if (caller.platformAdmin()) {
            roles.add(Roles.PLATFORM_ADMIN);
        }
        return QuarkusSecurityIdentity.builder()
                .setPrincipal(verified.getPrincipal())
                .addCredentials(verified.getCredentials())
                .addAttributes(verified.getAttributes())
                .addAttribute(Caller.class.getName(), caller)
                .addRoles(roles)
                .build();
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
