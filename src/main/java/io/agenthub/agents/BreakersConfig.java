package io.agenthub.agents;

import java.time.Duration;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

@ConfigMapping(prefix = "agent-hub.breakers")
public interface BreakersConfig {

    /** How often each replica re-reads the shared breakers: a breaker opened elsewhere is honoured here within this time. */
    @WithDefault("500ms")
    Duration refresh();
}
