package io.imsystem.auth.rest.dto;

/** Answer of refresh: a new access token and the refresh token that replaces the spent one. */
public record TokenPairView(String accessToken, String refreshToken, long expiresIn) {
}
