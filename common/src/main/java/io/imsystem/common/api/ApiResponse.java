package io.imsystem.common.api;

import io.quarkus.runtime.annotations.RegisterForReflection;

/** The success envelope every JSON answer carries: {@code {"code":0,"message":"ok","data":...}}. */
@RegisterForReflection
public record ApiResponse<T>(int code, String message, T data) {

    public static <T> ApiResponse<T> ok(T data) {
        return new ApiResponse<>(0, "ok", data);
    }
}
