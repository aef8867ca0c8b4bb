package io.agenthub.audit;

import java.time.Instant;
import java.util.UUID;

import jakarta.validation.Valid;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Size;
import jakarta.ws.rs.BeanParam;
import jakarta.ws.rs.QueryParam;

import io.agenthub.web.PageRequest;

/** Filters of the audit endpoints ({@code from} inclusive, {@code to} exclusive, ISO-8601 instants). */
public class AuditQuery {

    @QueryParam("actor")
    UUID actor;

    @QueryParam("action")
    @Pattern(regexp = "^[a-z][a-z0-9_.]{0,99}$")
    String action;

    @QueryParam("resourceType")
    @Size(max = 100)
    String resourceType;

    @QueryParam("resourceId")
    @Size(max = 255)
    String resourceId;

    @QueryParam("organizationId")
    UUID organizationId;

    @QueryParam("from")
    Instant from;

    @QueryParam("to")
    Instant to;

    @Valid
    @BeanParam
    PageRequest page;
}
