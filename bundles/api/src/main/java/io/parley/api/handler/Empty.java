package io.parley.api.handler;

/** An empty body: requests that carry only {@code id} and responses that are just {@code {"id": ...}}. */
public record Empty() {
    public static final Empty INSTANCE = new Empty();
}
