package io.agenthub.keys;

import jakarta.enterprise.context.ApplicationScoped;

import io.agenthub.security.AuthFailures;
import io.agenthub.tenancy.CallerAugmentor;
import io.agenthub.tenancy.CallerService;
import io.agenthub.web.ApiException;
import io.quarkus.security.identity.AuthenticationRequestContext;
import io.quarkus.security.identity.IdentityProvider;
import io.quarkus.security.identity.SecurityIdentity;
import io.quarkus.security.identity.request.TokenAuthenticationRequest;
import io.quarkus.security.runtime.QuarkusPrincipal;
import io.quarkus.security.runtime.QuarkusSecurityIdentity;
import io.quarkus.vertx.http.runtime.security.HttpSecurityUtils;
import io.smallrye.mutiny.Uni;
import io.vertx.ext.web.RoutingContext;

/**
 * A bearer credential that is an API key ({@code ahk_...}) is answered here, before the token
 * caches and the OIDC verifier (priorities 2000 and 1001), which never see one: the key's digest
 * finds its user, and the identity carries that caller and their roles as a token's would.
 */
@ApplicationScoped
public class ApiKeyIdentityProvider implements IdentityProvider<TokenAuthenticationRequest> {

    private final CallerService callers;

    public ApiKeyIdentityProvider(CallerService callers) {
        this.callers = callers;
    }

    @Override
    public Class<TokenAuthenticationRequest> getRequestType() {
        return TokenAuthenticationRequest.class;
    }

    @Override
    public int priority() {
        return 3000;
    }

    @Override
    public Uni<SecurityIdentity> authenticate(TokenAuthenticationRequest request, AuthenticationRequestContext context) {
        String credential = request.getToken().getToken();
        if (!ApiKeys.looksLikeKey(credential)) {
            return Uni.createFrom().nullItem();
        }
        if (!ApiKeys.wellFormed(credential)) {
            return Uni.createFrom().failure(ApiException.unauthorized("The API key is unknown, expired or revoked.")
                    .asAuthFailure(AuthFailures.API_KEY));
        }
        RoutingContext routing = HttpSecurityUtils.getRoutingContextAttribute(request);
        return callers.resolveKey(ApiKeys.digest(credential)).map(caller -> {
            QuarkusSecurityIdentity.Builder base = QuarkusSecurityIdentity.builder().setPrincipal(new QuarkusPrincipal(caller.subject()))
                    .addAttribute(ApiKeys.SIGNED_IN_WITH_KEY, true);
            if (routing != null) {
                base.addAttribute(RoutingContext.class.getName(), routing);
            }
            return CallerAugmentor.withCaller(base.build(), caller);
        });
    }
}
