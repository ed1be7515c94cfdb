package io.imsystem.common.api;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.exc.InvalidFormatException;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import io.quarkus.security.AuthenticationFailedException;
import io.quarkus.security.ForbiddenException;
import io.quarkus.security.UnauthorizedException;
import jakarta.validation.ConstraintViolation;
import jakarta.validation.ConstraintViolationException;
import jakarta.validation.ElementKind;
import jakarta.validation.Path;
import jakarta.ws.rs.WebApplicationException;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.net.ConnectException;
import java.net.SocketException;
import java.nio.channels.ClosedChannelException;
import java.sql.SQLException;
import java.sql.SQLNonTransientConnectionException;
import java.sql.SQLRecoverableException;
import java.sql.SQLTransientConnectionException;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Collectors;
import org.eclipse.microprofile.faulttolerance.exceptions.FaultToleranceException;
import org.jboss.logging.Logger;
import org.jboss.resteasy.reactive.server.ServerExceptionMapper;
import org.jose4j.jwt.consumer.InvalidJwtException;

/** Maps every failure of a REST call to the error envelope with its real HTTP status. */
public class ErrorMapper {

    private static final Logger LOG = Logger.getLogger(ErrorMapper.class);

    @ServerExceptionMapper
    public Response api(ApiException e) {
        Response.ResponseBuilder builder = Response.status(e.status())
                .type(MediaType.APPLICATION_JSON_TYPE)
                .entity(new ApiError(e.status(), e.getMessage(), e.errorCode(), e.fields()));
        if (e.retryAfterSeconds() != null) {
            builder.header("Retry-After", e.retryAfterSeconds());
        }
        return builder.build();
    }

    @ServerExceptionMapper
    public Response web(WebApplicationException e) {
        int status = e.getResponse().getStatus();
        if (status >= 500) {
            LOG.errorf(e, "request failed with %d", status);
        }
        String message = switch (status) {
            case 404 -> "not found";
            case 405 -> "method not allowed";
            case 406 -> "not acceptable";
            case 413 -> "request body too large";
            case 415 -> "unsupported media type, send application/json";
            case 400 -> e.getCause() instanceof JsonProcessingException ? "malformed JSON body" : "bad request";
            default -> Response.Status.fromStatusCode(status) != null
                    ? Response.Status.fromStatusCode(status).getReasonPhrase().toLowerCase()
                    : "error";
        };
        return envelope(status, ErrorCodes.forStatus(status), message, null);
    }

    @ServerExceptionMapper
    public Response invalidJson(JsonProcessingException e) {
        return envelope(400, ErrorCodes.VALIDATION_FAILED, "malformed JSON body", null);
    }

    @ServerExceptionMapper
    public Response mismatchedJson(MismatchedInputException e) {
        return wrongType(e);
    }

    @ServerExceptionMapper
    public Response invalidFormat(InvalidFormatException e) {
        return wrongType(e);
    }

    @ServerExceptionMapper
    public Response constraint(ConstraintViolationException e) {
        Map<String, String> fields = new TreeMap<>();
        for (ConstraintViolation<?> v : e.getConstraintViolations()) {
            fields.putIfAbsent(field(v.getPropertyPath()), v.getMessage());
        }
        String message = fields.entrySet().stream().map(f -> f.getKey() + ": " + f.getValue())
                .collect(Collectors.joining("; "));
        return envelope(400, ErrorCodes.VALIDATION_FAILED, message, fields);
    }

    @ServerExceptionMapper
    public Response authenticationFailed(AuthenticationFailedException e) {
        if (unreachable(e) != null) {
            return unavailable(unreachable(e));
        }
        ApiError error = tokenError(e);
        return Response.status(401).type(MediaType.APPLICATION_JSON_TYPE).entity(error).build();
    }

    /** The 401 envelope for a refused token: TOKEN_EXPIRED when it expired, TOKEN_INVALID otherwise. */
    public static ApiError tokenError(Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause()) {
            if (t instanceof InvalidJwtException jwt && jwt.hasExpired()) {
                return new ApiError(401, "token expired", ErrorCodes.TOKEN_EXPIRED);
            }
        }
        return new ApiError(401, "token invalid or revoked", ErrorCodes.TOKEN_INVALID);
    }

    @ServerExceptionMapper
    public Response unauthorized(UnauthorizedException e) {
        return envelope(401, ErrorCodes.UNAUTHORIZED, "authentication required", null);
    }

    @ServerExceptionMapper
    public Response forbidden(ForbiddenException e) {
        return envelope(403, ErrorCodes.FORBIDDEN, "forbidden", null);
    }

    /** A bulkhead or an open circuit: the service sheds load; the client may retry shortly. */
    @ServerExceptionMapper
    public Response overloaded(FaultToleranceException e) {
        return Response.status(503).type(MediaType.APPLICATION_JSON_TYPE).header("Retry-After", 1)
                .entity(new ApiError(503, "service busy, retry shortly", ErrorCodes.UNAVAILABLE)).build();
    }

    @ServerExceptionMapper
    public Response unexpected(Exception e) {
        Throwable down = unreachable(e);
        if (down != null) {
            return unavailable(down);
        }
        LOG.error("unexpected failure", e);
        return envelope(500, ErrorCodes.INTERNAL, "internal error", null);
    }

    /**
     * The envelope a failure gets, for answers that carry many outcomes (a batch item fails alone):
     * the same status and machine code as the REST answer of that failure would have.
     */
    public static ApiError describe(Throwable failure) {
        Throwable t = failure instanceof java.util.concurrent.CompletionException && failure.getCause() != null
                ? failure.getCause() : failure;
        if (t instanceof ApiException e) {
            return new ApiError(e.status(), e.getMessage(), e.errorCode(), e.fields());
        }
        if (t instanceof FaultToleranceException) {
            return new ApiError(503, "service busy, retry shortly", ErrorCodes.UNAVAILABLE);
        }
        if (unreachable(t) != null) {
            return new ApiError(503, "a backing store is unavailable, retry shortly", ErrorCodes.UNAVAILABLE);
        }
        LOG.error("unexpected failure", t);
        return new ApiError(500, "internal error", ErrorCodes.INTERNAL);
    }

    /** The database or Redis cannot be reached: nothing was done, and a retry may succeed. */
    private static Response unavailable(Throwable cause) {
        LOG.warnf("a store is unreachable: %s", cause.getClass().getName());
        return Response.status(503).type(MediaType.APPLICATION_JSON_TYPE).header("Retry-After", 1)
                .entity(new ApiError(503, "a backing store is unavailable, retry shortly", ErrorCodes.UNAVAILABLE)).build();
    }

    /**
     * The cause that says a database or Redis connection could not be had or was lost (JDBC's
     * connection exception classes and SQL state class 08, the pool's acquisition timeout, a
     * refused or reset socket, the Redis client's closed connection), or null for any other
     * failure. Suppressed exceptions count too: a commit that failed on a lost connection reports
     * it as a suppressed XAException. A send answered 503 may still have been stored; its retry
     * with the same client_msg_id returns it.
     */
    public static Throwable unreachable(Throwable failure) {
        return unreachable(failure, Collections.newSetFromMap(new IdentityHashMap<>()));
    }

    private static Throwable unreachable(Throwable t, Set<Throwable> seen) {
        if (t == null || seen.size() > 50 || !seen.add(t)) {
            return null;
        }
        if (t instanceof SQLTransientConnectionException || t instanceof SQLNonTransientConnectionException
                || t instanceof SQLRecoverableException || t instanceof ConnectException
                || t instanceof SocketException || t instanceof ClosedChannelException
                || t.getClass().getName().endsWith("JDBCConnectionException")
                || t.getClass().getName().endsWith("ConnectionPoolTooBusyException")) {
            return t;
        }
        if (t instanceof SQLException sql && ((sql.getSQLState() != null && sql.getSQLState().startsWith("08"))
                || (sql.getMessage() != null && sql.getMessage().contains("acquisition timeout")))) {
            return t;
        }
        // The Redis client fails commands on a lost connection with bare Vert.x failures.
        String message = t.getMessage();
        if (t.getClass().getName().startsWith("io.vertx.") && message != null
                && (message.contains("Connection is closed") || message.startsWith("CONNECTION_CLOSED"))) {
            return t;
        }
        Throwable found = unreachable(t.getCause(), seen);
        for (Throwable suppressed : t.getSuppressed()) {
            found = found != null ? found : unreachable(suppressed, seen);
        }
        return found;
    }

    private static Response wrongType(JsonMappingException e) {
        String field = e.getPath().stream()
                .map(r -> r.getFieldName() != null ? r.getFieldName() : String.valueOf(r.getIndex()))
                .collect(Collectors.joining("."));
        if (field.isEmpty()) {
            return envelope(400, ErrorCodes.VALIDATION_FAILED, "malformed JSON body", null);
        }
        return envelope(400, ErrorCodes.VALIDATION_FAILED, field + ": wrong type", Map.of(field, "wrong type"));
    }

    /** The JSON name of the innermost violated property (a whole missing body is {@code body}). */
    public static String field(Path path) {
        String name = null;
        for (Path.Node node : path) {
            if (node.getKind() == ElementKind.PROPERTY) {
                name = node.getName();
            } else if (node.getKind() == ElementKind.PARAMETER && name == null) {
                name = "body";
            }
        }
        return name == null ? "body" : snake(name);
    }

    static String snake(String camel) {
        return camel.replaceAll("([a-z0-9])([A-Z])", "$1_$2").toLowerCase(Locale.ROOT);
    }

    static Response envelope(int status, String code, String message, Map<String, String> fields) {
        return Response.status(status).type(MediaType.APPLICATION_JSON_TYPE)
                .entity(new ApiError(status, message, code, fields)).build();
    }
}
