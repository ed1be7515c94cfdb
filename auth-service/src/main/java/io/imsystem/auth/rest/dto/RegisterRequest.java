package io.imsystem.auth.rest.dto;

import jakarta.validation.constraints.Email;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Size;

/** Body of POST /api/v1/users/register. */
public record RegisterRequest(
        @NotNull(message = "is required")
        @Size(min = 3, max = 32, message = "must be 3 to 32 characters")
        @Pattern(regexp = "[A-Za-z0-9_.-]*", message = "may contain only letters, digits, '_', '.' and '-'")
        String username,
        @NotNull(message = "is required")
        @Size(min = 8, max = 128, message = "must be 8 to 128 characters")
        String password,
        @Email(message = "must be a valid email address")
        @Size(max = 254, message = "must be at most 254 characters")
        String email,
        @Size(max = 64, message = "must be at most 64 characters")
        String nickname) {
}
