package io.imsystem.auth.rest.dto;

import java.util.List;

/** One page of GET /api/v1/users/list and the number of all matches. */
public record UsersPage(List<PublicUserView> users, long total) {
}
