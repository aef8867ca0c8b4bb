package io.agenthub.outbound;

import java.time.Duration;
import java.util.List;
import java.util.Optional;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/** What the hub may reach when it fetches a URL a tenant supplied (directly or through discovery). */
@ConfigMapping(prefix = "agent-hub.outbound")
public interface OutboundConfig {

    /**
     * Host names (exact, case-insensitive) and addresses or CIDR ranges the hub may reach although
     * they are loopback, private or otherwise internal, and over plain http. Empty: public https only.
     */
    Optional<List<String>> allow();

    /** The whole call, from resolving the host to the last byte of the answer. */
    @WithDefault("PT10S")
    Duration deadline();

    /** Also the longest a host name's lookup may take. */
    @WithDefault("PT5S")
    Duration connectTimeout();

    /** Larger answers are cut off and refused: metadata documents and token answers are small. */
    @WithDefault("262144")
    int maxResponseBytes();
}
