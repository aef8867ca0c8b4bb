package io.agenthub.executions;

import java.time.Duration;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

@ConfigMapping(prefix = "agent-hub.executions")
public interface ExecutionsConfig {

    /**
     * How long past its agent's longest possible call (timeout times attempts) an execution may
     * stay running before housekeeping ends it as abandoned. Long enough for any stream still
     * delivering tokens, which no request timeout bounds.
     */
    @WithDefault("10m")
    Duration abandonAfter();
}
