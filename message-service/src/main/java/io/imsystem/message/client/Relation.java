package io.imsystem.message.client;

/** How a receiver stands to a sender, as auth-service's relation lookup answers: {@code blocked} = the receiver blocked the sender. */
public record Relation(boolean blocked, boolean friends) {
}
