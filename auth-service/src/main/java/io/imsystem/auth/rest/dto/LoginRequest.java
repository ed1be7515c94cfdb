package io.imsystem.auth.rest.dto;

import com.fasterxml.jackson.annotation.JsonAlias;

/** Body of POST /api/v1/users/login: a username or an email, and the password. */
public record LoginRequest(
        @JsonAlias({"usernameOrEmail", "username", "email"})
        String usernameOrEmail,
        String password) {
}
