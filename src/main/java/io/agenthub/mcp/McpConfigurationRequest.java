package io.agenthub.mcp;

import java.util.List;
import java.util.Map;
import java.util.Optional;

import jakarta.validation.Valid;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Size;

import com.fasterxml.jackson.databind.annotation.JsonDeserialize;

import io.agenthub.web.ClearableText;

/**
 * Body of create (all required fields) and update (only the fields to change). {@code scope} is
 * fixed at creation: {@code organization} (admins) or {@code personal}.
 */
public record McpConfigurationRequest(
        @Pattern(regexp = "organization|personal") String scope,
        @Pattern(regexp = "^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$", message = "letters, digits, '_', '.', '-'; at most 64") String name,
        @Size(max = 2000) String description,
        @Pattern(regexp = "stdio|http|sse") String transport,
        @Pattern(regexp = "^https?://\\S+$", message = "must be an http(s) URL") @Size(max = 2048) String url,
        @Size(min = 1, max = 1024) String command,
        @Size(max = 100) List<@NotBlank @Size(max = 4096) String> args,
        @Size(max = 100) Map<@Pattern(regexp = "^[A-Za-z_][A-Za-z0-9_]{0,127}$") String, @NotNull @Size(max = 8192) String> env,
        @Size(max = 50) Map<@Pattern(regexp = "^[A-Za-z0-9-]{1,128}$") String, @NotNull @Size(max = 8192) String> headers,
        @Pattern(regexp = "none|bearer|oauth2") String authType,
        @Valid OAuthSettings oauth,
        Boolean enabled) {

    /**
     * Client settings for MCP servers that are OAuth 2.1 resource servers; endpoints are discovered
     * when omitted. {@code clientId}: a client registered with the server by an administrator, used
     * before any other; absent leaves it, null clears it (Agent Hub then uses its client metadata
     * document or registers). {@code clientSecret}: that client's secret, write-only, kept encrypted;
     * absent leaves it, null clears it.
     */
    public record OAuthSettings(
            @JsonDeserialize(using = ClearableText.class) Optional<@Size(min = 1, max = 512) String> clientId,
            @JsonDeserialize(using = ClearableText.class) Optional<@Size(min = 1, max = 2048) String> clientSecret,
            @Size(max = 2048) String scopes,
            @Size(max = 2048) String issuer,
            @Pattern(regexp = "^https?://\\S+$") String authorizationEndpoint,
            @Pattern(regexp = "^https?://\\S+$") String tokenEndpoint,
            @Pattern(regexp = "^https?://\\S+$") String revocationEndpoint,
            @Pattern(regexp = "^https?://\\S+$") String registrationEndpoint,
            @Size(max = 2048) String resource,
            @Size(max = 20) Map<@Pattern(regexp = "^[A-Za-z0-9_.-]{1,64}$") String, @Size(max = 1024) String> extraParams) {
    }
}
