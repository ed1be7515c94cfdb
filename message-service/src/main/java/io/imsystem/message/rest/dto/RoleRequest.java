package io.imsystem.message.rest.dto;

import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;

/** Body of PUT /api/v1/groups/{group_id}/members/{user_id}: the member's new role. */
public record RoleRequest(
        @NotNull(message = "is required") @Pattern(regexp = "admin|member", message = "must be admin or member") String role) {
}
