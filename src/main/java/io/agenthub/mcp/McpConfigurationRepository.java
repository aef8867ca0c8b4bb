package io.agenthub.mcp;

import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;

import io.quarkus.hibernate.reactive.panache.PanacheRepositoryBase;

@ApplicationScoped
public class McpConfigurationRepository implements PanacheRepositoryBase<McpConfiguration, UUID> {
}
