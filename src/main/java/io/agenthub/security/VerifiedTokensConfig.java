package io.agenthub.security;

import java.time.Duration;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

@ConfigMapping(prefix = "agent-hub.auth.verified-tokens")
public interface VerifiedTokensConfig {

    /**
     * How long a verified token is trusted without checking its signature again (never past its
     * expiry). Kept at or below the JWKS refetch interval, so a key the issuer withdraws stops
     * working here about as soon as the verifier would notice it anyway. Zero verifies every request.
     */
    @WithDefault("30S")
    Duration ttl();

    /** Most tokens remembered at once; beyond it new tokens are verified on every request. */
    @WithDefault("4096")
    int maxEntries();
}
