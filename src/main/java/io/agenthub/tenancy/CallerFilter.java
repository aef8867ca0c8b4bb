package io.agenthub.tenancy;

import jakarta.ws.rs.Priorities;

import org.jboss.resteasy.reactive.server.ServerRequestFilter;

import io.quarkus.security.identity.CurrentIdentityAssociation;
import io.smallrye.mutiny.Uni;

/** Makes the caller {@link CallerAugmentor} resolved the request's {@link CurrentCaller}. */
public class CallerFilter {

    private final CurrentIdentityAssociation identities;
    private final CurrentCaller current;

    public CallerFilter(CurrentIdentityAssociation identities, CurrentCaller current) {
        this.identities = identities;
        this.current = current;
    }

    @ServerRequestFilter(priority = Priorities.AUTHORIZATION + 10)
    public Uni<Void> resolve() {
        return identities.getDeferredIdentity().invoke(identity -> {
            Caller caller = CallerAugmentor.of(identity);
            if (caller != null) {
                current.set(caller);
            }
        }).replaceWithVoid();
    }
}
