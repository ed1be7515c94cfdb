package io.imsystem.auth.rest.dto;

import com.fasterxml.jackson.annotation.JsonAlias;

/** Body of POST /api/v1/auth/refresh. */
public record RefreshRequest(@JsonAlias("refreshToken") String refreshToken) {
}
