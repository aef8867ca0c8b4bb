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

    /**
     * How often each replica reports its running executions alive, and ends abandoned ones. Read
     * by the heartbeat's schedule expression; declared here so the mapping knows the key.
     */
    @WithDefault("10s")
    Duration heartbeat();
}
