package io.agenthub.audit;

import jakarta.validation.Valid;
import jakarta.ws.rs.BeanParam;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;

import org.eclipse.microprofile.openapi.annotations.tags.Tag;

import io.agenthub.web.Page;
import io.quarkus.security.Authenticated;
import io.smallrye.mutiny.Uni;

@Path("/api")
@Authenticated
@Produces(MediaType.APPLICATION_JSON)
@Tag(name = "Audit")
public class AuditResource {

    private final AuditService service;

    public AuditResource(AuditService service) {
        this.service = service;
    }

    @GET
    @Path("/audit-logs")
    public Uni<Page<AuditLogView>> auditLogs(@Valid @BeanParam AuditQuery query) {
        return service.auditLogs(query);
    }

    @GET
    @Path("/admin/audit-log")
    public Uni<Page<AdminAuditLogView>> adminAuditLog(@Valid @BeanParam AuditQuery query) {
        return service.adminAuditLog(query);
    }
}
