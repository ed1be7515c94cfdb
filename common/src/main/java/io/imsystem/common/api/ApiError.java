package io.imsystem.common.api;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.quarkus.runtime.annotations.RegisterForReflection;
import java.util.Map;

/** The failure envelope: the HTTP status again as {@code code}, a human message and a machine code. */
@RegisterForReflection
@JsonInclude(JsonInclude.Include.NON_NULL)
public record ApiError(int code, String message, String error, Map<String, String> fields) {

    public ApiError(int code, String message, String error) {
        this(code, message, error, null);
    }
}
