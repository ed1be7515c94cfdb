package io.imsystem.auth.rest.dto;

/** Answer of register and login: the own user and a fresh token pair. */
public record AuthView(UserView user, String accessToken, String refreshToken, long expiresIn) {
}
