package io.agenthub.oauth;

import jakarta.validation.constraints.Size;

/**
 * Optional: more scopes for a connection. {@code scopes}: space separated, as OAuth writes them;
 * {@code challenge}: the {@code WWW-Authenticate} value of an {@code insufficient_scope} refusal an
 * MCP server answered. The authorization asks for what the connection has, what is configured and
 * what these add.
 */
public record AuthorizeRequest(@Size(max = 2048) String scopes, @Size(max = 4096) String challenge) {
}
