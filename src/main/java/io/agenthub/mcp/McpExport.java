package io.agenthub.mcp;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The {@code mcpServers} document that MCP clients (Claude Code's .mcp.json, Droid) read. Secret
 * values never leave: env and header values become {@code ${VAR}} placeholders that the client
 * expands from its own environment.
 */
public final class McpExport {

    private McpExport() {
    }

    public static Map<String, Object> of(List<McpConfiguration> configurations, Map<String, McpCredentials.Connection> connections) {
        Map<String, Object> servers = new LinkedHashMap<>();
        configurations.stream().sorted(McpConfigurationService.byName()).forEach(c -> {
            Map<String, Object> server = new LinkedHashMap<>();
            server.put("type", c.transport);
            if (c.transport.equals("stdio")) {
                server.put("command", c.command);
                server.put("args", c.args == null ? List.of() : List.of(c.args));
                Map<String, String> env = new LinkedHashMap<>();
                if (c.env != null) {
                    c.env.keySet().forEach(k -> env.put(k, "${" + k + "}"));
                }
                server.put("env", env);
            } else {
                server.put("url", c.url);
                Map<String, String> headers = new LinkedHashMap<>();
                if (c.headers != null) {
                    c.headers.keySet().forEach(h -> headers.put(h, "${" + variable(c.name, h) + "}"));
                }
                McpCredentials.Connection connection = connections.get(c.name);
                if (connection != null) {
                    headers.putAll(connection.headers());
                }
                if (!headers.isEmpty()) {
                    server.put("headers", headers);
                }
                if (connection != null) {
                    server.put("connectionStatus", connection.status());
                }
            }
            servers.put(c.name, server);
        });
        return Map.of("mcpServers", servers);
    }

    private static String variable(String server, String header) {
        return (server + "_" + header).toUpperCase(Locale.ROOT).replaceAll("[^A-Z0-9]+", "_");
    }
}
