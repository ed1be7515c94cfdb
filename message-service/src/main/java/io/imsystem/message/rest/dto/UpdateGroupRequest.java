package io.imsystem.message.rest.dto;

import jakarta.validation.constraints.Size;

/** Body of PUT /api/v1/groups/{group_id}; an absent field stays as it is, an empty avatar removes it. */
public record UpdateGroupRequest(
        String name,
        @Size(max = 512, message = "must be at most 512 characters") String avatar) {
}
