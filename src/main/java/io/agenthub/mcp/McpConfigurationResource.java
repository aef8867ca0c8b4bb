package io.agenthub.mcp;

import java.util.Map;
import java.util.UUID;

import jakarta.validation.Valid;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import jakarta.ws.rs.BeanParam;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.PATCH;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;

import org.eclipse.microprofile.openapi.annotations.tags.Tag;
import org.jboss.resteasy.reactive.ResponseStatus;

import io.agenthub.web.Page;
import io.agenthub.web.PageRequest;
import io.quarkus.security.Authenticated;
import io.smallrye.mutiny.Uni;

@Path("/api/mcp/configurations")
@Authenticated
@Produces(MediaType.APPLICATION_JSON)
@Consumes(MediaType.APPLICATION_JSON)
@Tag(name = "MCP configurations")
public class McpConfigurationResource {

    private final McpConfigurationService service;
    private final McpExportService export;

    public McpConfigurationResource(McpConfigurationService service, McpExportService export) {
        this.service = service;
        this.export = export;
    }

    @GET
    public Uni<Page<McpConfigurationView>> list(@QueryParam("scope") @Pattern(regexp = "organization|personal") String scope,
            @Valid @BeanParam PageRequest page) {
        return service.list(scope, page.limit(), page.cursor());
    }

    @POST
    @ResponseStatus(201)
    public Uni<McpConfigurationView> create(@Valid @NotNull McpConfigurationRequest body) {
        return service.create(body);
    }

    @GET
    @Path("/effective")
    public Uni<Page<McpConfigurationView>> effective(@Valid @BeanParam PageRequest page) {
        return service.effective(page.limit(), page.cursor());
    }

    @GET
    @Path("/effective/export")
    public Uni<org.jboss.resteasy.reactive.RestResponse<Map<String, Object>>> export(@QueryParam("includeSecrets") boolean includeSecrets) {
        // with secrets it carries live bearer tokens: no cache, shared or private, may keep it
        return export.export(includeSecrets).map(document -> org.jboss.resteasy.reactive.RestResponse.ResponseBuilder.ok(document)
                .header("Cache-Control", includeSecrets ? "no-store" : "private, no-cache").build());
    }

    @GET
    @Path("/{id}")
    public Uni<McpConfigurationView> get(@PathParam("id") UUID id) {
        return service.get(id);
    }

    @PATCH
    @Path("/{id}")
    public Uni<McpConfigurationView> update(@PathParam("id") UUID id, @Valid @NotNull McpConfigurationRequest body) {
        return service.update(id, body);
    }

    @DELETE
    @Path("/{id}")
    @ResponseStatus(204)
    public Uni<Void> delete(@PathParam("id") UUID id) {
        return service.delete(id);
    }
}
