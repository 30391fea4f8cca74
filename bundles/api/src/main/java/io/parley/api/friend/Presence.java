package io.parley.api.friend;

import io.parley.api.serialization.OptionalField;

/** PRESENCE notice: a friend's first device came online or its last device went away. */
public record Presence(String username, boolean online, @OptionalField String device) {
}
