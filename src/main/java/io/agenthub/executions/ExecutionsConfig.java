package io.agenthub.executions;

import java.time.Duration;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

@ConfigMapping(prefix = "agent-hub.executions")
public interface ExecutionsConfig {

    /**
     * How long a running execution may go without the replica running it reporting it alive
     * before it is ended as abandoned: its replica was killed, or its turn could not record its end.
     */
    @WithDefault("1m")
    Duration abandonAfter();
}
