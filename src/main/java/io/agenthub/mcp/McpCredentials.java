package io.agenthub.mcp;

import java.util.List;
import java.util.Map;

import io.smallrye.mutiny.Uni;

/**
 * Fresh credentials for the caller's own OAuth connections, by configuration name, as HTTP
 * headers. Implemented by the OAuth room, so MCP configurations need not know how tokens live.
 */
public interface McpCredentials {

    Uni<Map<String, Map<String, String>>> headers(List<McpConfiguration> configurations);
}
