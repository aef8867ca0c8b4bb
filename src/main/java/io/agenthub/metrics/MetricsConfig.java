package io.agenthub.metrics;

import java.time.Duration;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/**
 * The metrics jobs' schedules. Read by their {@code @Scheduled} expressions; declared here so the
 * mapping knows the keys, checks them at start and documents them in one place.
 */
@ConfigMapping(prefix = "agent-hub.metrics")
public interface MetricsConfig {

    /** How often the daily rollup brings today and late-arriving days up to date: a duration, or {@code off}. */
    @WithDefault("5m")
    String rollupEvery();

    /** How often the agent gauges re-read health and breaker state from the database. */
    @WithDefault("15s")
    Duration gaugeRefresh();
}
