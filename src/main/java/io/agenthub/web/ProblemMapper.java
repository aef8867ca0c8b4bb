package io.agenthub.web;

import java.lang.reflect.Method;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import jakarta.annotation.security.RolesAllowed;
import jakarta.validation.ConstraintViolation;
import jakarta.validation.ConstraintViolationException;
import jakarta.validation.ElementKind;
import jakarta.validation.Path;
import jakarta.ws.rs.WebApplicationException;
import jakarta.ws.rs.container.ResourceInfo;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

import org.jboss.logging.Logger;
import org.jboss.resteasy.reactive.server.ServerExceptionMapper;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.exc.StreamReadException;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;

import io.agenthub.security.AuthFailures;
import io.quarkus.security.AuthenticationCompletionException;
import io.quarkus.security.AuthenticationFailedException;
import io.quarkus.security.ForbiddenException;
import io.quarkus.security.UnauthorizedException;
import io.vertx.pgclient.PgException;

/**
 * The one exception mapper: every failure leaves as {@code application/problem+json} (RFC 9457)
 * with the request id. Bad input is a precise 4xx; only a bug is a 500, and then without detail.
 */
public class ProblemMapper {

    private static final Logger LOG = Logger.getLogger(ProblemMapper.class);
    private static final String DATABASE_RETRY_AFTER = "2";
    private static final Pattern DUPLICATE_FIELD = Pattern.compile("Duplicate field '(.*)'");

    private final RequestInfo request;
    private final AuthFailures authFailures;

    public ProblemMapper(RequestInfo request, AuthFailures authFailures) {
        this.request = request;
        this.authFailures = authFailures;
    }

    @ServerExceptionMapper
    public Response api(ApiException e) {
        if (e.authFailure() != null) {
            authFailures.record(e.authFailure(), request.requestId(), request.ipAddress());
        }
        return problem(e.status(), e.title(), e.getMessage(), e.errors(), e.headers(), e.extensions());
    }

    @ServerExceptionMapper
    public Response validation(ConstraintViolationException e) {
        List<Problem.FieldError> errors = new ArrayList<>();
        for (ConstraintViolation<?> violation : e.getConstraintViolations()) {
            errors.add(new Problem.FieldError(field(violation.getPropertyPath()), violation.getMessage()));
        }
        errors.sort((a, b) -> a.field().compareTo(b.field()));
        return problem(400, "Bad Request", "The request is invalid.", errors, Map.of(), Map.of());
    }

    @ServerExceptionMapper
    public Response json(JsonProcessingException e) {
        NulCharacters.Refused nul = Causes.find(e, NulCharacters.Refused.class);
        if (nul != null) {
            return problem(400, "Bad Request", "The request is invalid.",
                    List.of(new Problem.FieldError(nul.field(), NulCharacters.MESSAGE)), Map.of(), Map.of());
        }
        StreamReadException read = Causes.find(e, StreamReadException.class);
        Matcher duplicate = DUPLICATE_FIELD.matcher(read == null ? "" : String.valueOf(read.getOriginalMessage()));
        if (duplicate.lookingAt()) {
            return problem(400, "Bad Request", "The request body names a field twice.",
                    List.of(new Problem.FieldError(duplicate.group(1), "duplicate field")), Map.of(), Map.of());
        }
        if (e instanceof UnrecognizedPropertyException unknown) {
            return problem(400, "Bad Request", "The request body has an unknown field.",
                    List.of(new Problem.FieldError(path(unknown), "unknown field")), Map.of(), Map.of());
        }
        if (e instanceof MismatchedInputException mismatch && !mismatch.getPath().isEmpty()) {
            return problem(400, "Bad Request", "A field of the request body has the wrong type.",
                    List.of(new Problem.FieldError(path(mismatch), "wrong type or format")), Map.of(), Map.of());
        }
        if (e instanceof JsonMappingException) {
            return problem(400, "Bad Request", "The request body does not have the expected shape.", List.of(), Map.of(), Map.of());
        }
        return problem(400, "Bad Request", "The request body is not valid JSON.", List.of(), Map.of(), Map.of());
    }

    /** Overrides the framework's own mapper for this subtype, which answers plain JSON. */
    @ServerExceptionMapper
    public Response mismatch(MismatchedInputException e) {
        return json(e);
    }

    @ServerExceptionMapper({ AuthenticationFailedException.class, AuthenticationCompletionException.class,
            UnauthorizedException.class })
    public Response unauthenticated(RuntimeException e, HttpHeaders headers) {
        authFailures.record(AuthFailures.reasonOf(e, headers.getHeaderString(HttpHeaders.AUTHORIZATION)), request.requestId(),
                request.ipAddress());
        return problem(401, "Unauthorized", "A valid bearer token is required.", List.of(),
                Map.of("WWW-Authenticate", "Bearer"), Map.of());
    }

    @ServerExceptionMapper
    public Response forbidden(ForbiddenException e, ResourceInfo resource) {
        return problem(403, "Forbidden", requiredRoles(resource), List.of(), Map.of(), Map.of());
    }

    /**
     * Which roles the endpoint asks for, from its {@code @RolesAllowed}. Only a refusal looks the
     * method up; identity roles are cumulative, so the weakest role that passes is the one named.
     */
    static String requiredRoles(ResourceInfo resource) {
        try {
            Method method = resource == null ? null : resource.getResourceMethod();
            RolesAllowed allowed = method == null ? null : method.getAnnotation(RolesAllowed.class);
            if (allowed == null && method != null) {
                allowed = method.getDeclaringClass().getAnnotation(RolesAllowed.class);
            }
            if (allowed != null && allowed.value().length == 1) {
                return "This needs the " + allowed.value()[0] + " role.";
            }
            if (allowed != null && allowed.value().length > 1) {
                return "This needs one of the roles " + String.join(", ", allowed.value()) + ".";
            }
        } catch (RuntimeException | LinkageError e) {
            LOG.debugf("No @RolesAllowed to name for a refusal: %s", e);
        }
        return "You are not allowed to do this.";
    }

    @ServerExceptionMapper
    public Response web(WebApplicationException e) {
        int status = e.getResponse().getStatus();
        JsonProcessingException json = Causes.find(e, JsonProcessingException.class);
        if (json != null && status == 400) {
            return json(json);
        }
        if (status >= 500) {
            return unexpected(e);
        }
        if (status == 404 && e.getCause() != null) {
            // JAX-RS answers 404 when a path or query parameter does not convert; it is bad input
            return problem(400, "Bad Request", "A path or query parameter is malformed.", List.of(), Map.of(), Map.of());
        }
        Response.Status known = Response.Status.fromStatusCode(status);
        String detail = switch (status) {
            case 404 -> "No such resource.";
            case 405 -> "This method is not allowed here.";
            case 406 -> "The requested media type is not available.";
            case 413 -> "The request body is too large.";
            case 415 -> "The request body's media type is not supported.";
            default -> "The request could not be handled.";
        };
        return problem(status, known == null ? "Error" : known.getReasonPhrase(), detail, List.of(), Map.of(), Map.of());
    }

    @ServerExceptionMapper
    public Response unexpected(Throwable e) {
        PgException db = Causes.find(e, PgException.class);
        SQLException jdbc = Causes.find(e, SQLException.class);
        String state = db != null ? db.getSqlState() : jdbc != null ? jdbc.getSQLState() : null;
        if (state != null) {
            if (DatabaseFailures.unavailable(e)) {
                return databaseUnavailable(e);
            }
            if (state.equals("23505")) {
                var hibernate = Causes.find(e, org.hibernate.exception.ConstraintViolationException.class);
                String constraint = db != null ? db.getConstraint() : hibernate != null ? hibernate.getConstraintName() : null;
                return problem(409, "Conflict", "A resource with the same identifying values already exists.",
                        UniqueKeys.fields(constraint), Map.of(), Map.of());
            }
            if (state.equals("23503")) {
                return problem(409, "Conflict", "The resource is referenced by, or refers to, another that does not allow this.",
                        List.of(), Map.of(), Map.of());
            }
            if (state.equals("23514") || state.equals("23502") || state.startsWith("22")) {
                return problem(400, "Bad Request", "A value is out of the allowed range or format.", List.of(), Map.of(), Map.of());
            }
            if (state.equals("42501")) {
                return problem(403, "Forbidden", "You are not allowed to do this.", List.of(), Map.of(), Map.of());
            }
        }
        ApiException api = Causes.find(e, ApiException.class);
        if (api != null) {
            return api(api);
        }
        if (DatabaseFailures.unavailable(e)) {
            return databaseUnavailable(e);
        }
        LOG.errorf(e, "Unexpected failure of request %s", request.requestId());
        return problem(500, "Internal Server Error", "An unexpected error occurred; quote the request id when reporting it.",
                List.of(), Map.of(), Map.of());
    }

    private Response problem(int status, String title, String detail, List<Problem.FieldError> errors,
            Map<String, String> headers, Map<String, Object> extensions) {
        Problem problem = Problem.of(status, title, detail, request.requestId(), errors, extensions);
        Response.ResponseBuilder response = Response.status(status)
                .header(RequestInfoFilter.REQUEST_ID, request.requestId());
        if (request.openAi()) {
            response.type(MediaType.APPLICATION_JSON).entity(problem.asOpenAi());
        } else {
            response.type(Problem.MEDIA_TYPE).entity(problem);
        }
        headers.forEach(response::header);
        return response.build();
    }

    /** The field a client sent, without the Java method and parameter names of the path. */
    private static String field(Path path) {
        String parameter = null;
        List<String> properties = new ArrayList<>();
        for (Path.Node node : path) {
            if (node.getKind() == ElementKind.PARAMETER) {
                parameter = node.getName();
            } else if (node.getKind() == ElementKind.PROPERTY || node.getKind() == ElementKind.CONTAINER_ELEMENT) {
                properties.add(node.getName() + (node.getIndex() != null ? "[" + node.getIndex() + "]" : ""));
            }
        }
        return properties.isEmpty() ? String.valueOf(parameter) : String.join(".", properties);
    }

    private static String path(JsonMappingException e) {
        StringBuilder path = new StringBuilder();
        for (JsonMappingException.Reference ref : e.getPath()) {
            if (ref.getFieldName() != null) {
                path.append(path.isEmpty() ? "" : ".").append(ref.getFieldName());
            } else if (ref.getIndex() >= 0) {
                path.append('[').append(ref.getIndex()).append(']');
            }
        }
        return path.toString();
    }

    /**
     * The database cannot be reached, refuses connections while it starts or stops, or dropped the
     * connection: nothing the caller did wrong, and worth retrying.
     */
    private Response databaseUnavailable(Throwable e) {
        LOG.warnf("Database unavailable for request %s: %s", request.requestId(), e.getMessage());
        return problem(503, "Service Unavailable", "The database is unavailable; retry shortly.", List.of(),
                Map.of("Retry-After", DATABASE_RETRY_AFTER), Map.of());
    }
}
