package io.imsystem.gateway.client;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.imsystem.common.api.ErrorCodes;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.ws.rs.core.Response;

/** Reads the envelope of a backend's answer (API.md): the data of a success, the error of a failure. */
@ApplicationScoped
public class BackendAnswers {

    /** A failed answer of a backend, as an error frame reports it. */
    public record Failure(int status, String error, String message) {
    }

    /** A backend answered something other than 200 where the gateway needs the data. */
    public static class BackendFailed extends RuntimeException {
        private final int status;

        public BackendFailed(String service, int status) {
            super(service + " answered " + status, null, false, false);
            this.status = status;
        }

        public int status() {
            return status;
        }

        /** The failure for a status: a 4xx is the caller's (never retried), anything else the backend's. */
        static BackendFailed of(String service, int status) {
            return status >= 400 && status < 500 ? new Refused(service, status) : new BackendFailed(service, status);
        }
    }

    /** A 4xx: asking again would get the same answer, so fault tolerance does not retry it. */
    public static final class Refused extends BackendFailed {
        public Refused(String service, int status) {
            super(service, status);
        }
    }

    private final ObjectMapper mapper;

    public BackendAnswers(ObjectMapper mapper) {
        this.mapper = mapper;
    }

    /** The {@code data} of a 200 answer; any other status fails with {@link BackendFailed}. Closes the response. */
    public JsonNode dataOf(String service, Response r) {
        if (r.getStatus() != 200) {
            int status = r.getStatus();
            r.close();
            throw BackendFailed.of(service, status);
        }
        return bodyOf(r).path("data");
    }

    /** Null for a 200 answer, else its status, machine code and message. Closes the response. */
    public Failure failureOf(Response r) {
        int status = r.getStatus();
        if (status == 200) {
            r.close();
            return null;
        }
        JsonNode body = bodyOf(r);
        return new Failure(status, body.path("error").asText(ErrorCodes.forStatus(status)),
                body.path("message").asText("request failed"));
    }

    /** Only the status (a 200 needs nothing else). Closes the response. */
    public static int statusOf(Response r) {
        int status = r.getStatus();
        r.close();
        return status;
    }

    private JsonNode bodyOf(Response r) {
        try {
            String body = r.readEntity(String.class);
            return body == null || body.isEmpty() ? mapper.createObjectNode() : mapper.readTree(body);
        } catch (RuntimeException | JsonProcessingException e) {
            return mapper.createObjectNode();
        } finally {
            r.close();
        }
    }
}
