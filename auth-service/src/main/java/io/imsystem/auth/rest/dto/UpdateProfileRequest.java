package io.imsystem.auth.rest.dto;

import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Size;

/** Body of PUT /api/v1/users/profile; an absent field stays as it is. */
public record UpdateProfileRequest(
        @Size(min = 1, max = 64, message = "must be 1 to 64 characters")
        @Pattern(regexp = "(?s).*\\S.*", message = "must not be blank")
        String nickname,
        @Size(max = 512, message = "must be at most 512 characters")
        String avatar) {
}
