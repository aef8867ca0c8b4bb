package io.agenthub.mcp;

import java.util.Map;

import jakarta.enterprise.context.ApplicationScoped;

import io.agenthub.tenancy.TenantTransactions;
import io.agenthub.web.ApiException;
import io.smallrye.mutiny.Uni;

/** Builds the effective MCP export for the caller. */
@ApplicationScoped
public class McpExportService {

    private final TenantTransactions transactions;
    private final McpConfigurationService configurations;

    public McpExportService(TenantTransactions transactions, McpConfigurationService configurations) {
        this.transactions = transactions;
        this.configurations = configurations;
    }

    public Uni<Map<String, Object>> export(boolean includeSecrets) {
        if (includeSecrets) {
            // fresh OAuth bearer tokens for the caller's own connections arrive with the OAuth flows
            throw ApiException.unprocessable("Exporting secrets needs connected OAuth servers; none are available yet.");
        }
        return transactions.inTransaction(() -> configurations.effectiveInTransaction()
                .map(list -> McpExport.of(list, Map.of())));
    }
}
