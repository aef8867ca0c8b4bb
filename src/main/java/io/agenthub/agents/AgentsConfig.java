package io.agenthub.agents;

import java.time.Duration;

import io.smallrye.config.ConfigMapping;

/** The agents' health probe; the values live in application.properties, which the schedule reads too. */
@ConfigMapping(prefix = "agent-hub.agents")
public interface AgentsConfig {

    /** How often each agent is probed (by one replica per period). */
    Duration healthPeriod();

    /** How long after start the first probe waits. */
    Duration healthFirstDelay();
}
