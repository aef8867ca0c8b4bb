package io.agenthub.audit;

import jakarta.annotation.security.RolesAllowed;
import jakarta.validation.Valid;
import jakarta.ws.rs.BeanParam;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;

import org.eclipse.microprofile.openapi.annotations.tags.Tag;

import io.agenthub.tenancy.Roles;
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

    @RolesAllowed({ Roles.ADMIN, Roles.PLATFORM_ADMIN })
    @GET
    @Path("/audit-logs")
    public Uni<Page<AuditLogView>> auditLogs(@Valid @BeanParam AuditQuery query) {
        return service.auditLogs(query);
    }

    @RolesAllowed(Roles.PLATFORM_ADMIN)
    @GET
    @Path("/admin/audit-log")
    public Uni<Page<AdminAuditLogView>> adminAuditLog(@Valid @BeanParam AuditQuery query) {
        return service.adminAuditLog(query);
    }
}
