package io.agenthub.security;

import jakarta.enterprise.context.ApplicationScoped;

import io.quarkus.oidc.AccessTokenCredential;
import io.quarkus.security.identity.AuthenticationRequestContext;
import io.quarkus.security.identity.SecurityIdentity;
import io.quarkus.security.identity.SecurityIdentityAugmentor;
import io.smallrye.mutiny.Uni;

/**
 * Remembers what the OIDC verifier accepted. Runs first among augmentors, so what is remembered
 * is the verifier's own identity and every other augmentor still applies on each request.
 */
@ApplicationScoped
public class VerifiedTokenRecorder implements SecurityIdentityAugmentor {

    private final VerifiedTokens tokens;

    public VerifiedTokenRecorder(VerifiedTokens tokens) {
        this.tokens = tokens;
    }

    @Override
    public int priority() {
        return Integer.MAX_VALUE;
    }

    @Override
    public Uni<SecurityIdentity> augment(SecurityIdentity identity, AuthenticationRequestContext context) {
        AccessTokenCredential credential = identity.isAnonymous() ? null : identity.getCredential(AccessTokenCredential.class);
        if (credential != null && tokens.find(credential.getToken()) == null) {
            tokens.remember(credential.getToken(), identity);
        }
        return Uni.createFrom().item(identity);
    }
}
