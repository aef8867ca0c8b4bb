package io.agenthub.mcp;

import java.util.Map;

import jakarta.enterprise.context.ApplicationScoped;

import io.agenthub.tenancy.TenantTransactions;
import io.smallrye.mutiny.Uni;

/** Builds the effective MCP export for the caller. */
@ApplicationScoped
public class McpExportService {

    private final TenantTransactions transactions;
    private final McpConfigurationService configurations;
    private final McpCredentials credentials;

    public McpExportService(TenantTransactions transactions, McpConfigurationService configurations, McpCredentials credentials) {
        this.transactions = transactions;
        this.configurations = configurations;
        this.credentials = credentials;
    }

    /**
     * With {@code includeSecrets}, OAuth servers the caller connected get an Authorization header
     * with a fresh token, and every OAuth server its connection status.
     */
    public Uni<Map<String, Object>> export(boolean includeSecrets) {
        return transactions.inTransaction(() -> configurations.effectiveInTransaction())
                .chain(list -> (includeSecrets ? credentials.connections(list)
                        : Uni.createFrom().item(Map.<String, McpCredentials.Connection>of()))
                        .map(connections -> McpExport.of(list, connections)));
    }
}
