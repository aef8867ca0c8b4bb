package io.agenthub.mcp;

import java.util.List;
import java.util.Map;

import io.smallrye.mutiny.Uni;

/**
 * Fresh credentials for the caller's own OAuth connections, by configuration name, and the sealing
 * of a client secret. Implemented by the OAuth room, so MCP configurations need not know how tokens
 * and secrets live.
 */
public interface McpCredentials {

    /**
     * One answer per OAuth configuration, each standing alone: a connection that cannot give a
     * token (not connected, to authorize again, its authorization server out of reach) is reported
     * with its status and no headers, and the others are unaffected.
     */
    Uni<Map<String, Connection>> connections(List<McpConfiguration> configurations);

    /**
     * A pre-registered client's secret, encrypted as tokens are, for its configuration to keep. In
     * the caller's transaction.
     */
    Uni<Sealed> seal(String secret);

    record Sealed(byte[] ciphertext, String keyId) {
    }

    /** Each value sealed as tokens are (a self-describing text that names its key), for env and headers to keep. */
    Map<String, String> seal(Map<String, String> values);

    /** {@code status}: connected, not_connected, needs_reauth or unavailable. */
    record Connection(String status, Map<String, String> headers) {
    }
}
