package io.parley.api.serialization;

import java.util.Objects;

/**
 * A JSON value carried as text and written into a body as it is, not as a string. Stores keep structured
 * details (a group event's payload) as JSON text without parsing it.
 */
public record RawJson(String json) {
    public RawJson {
        Objects.requireNonNull(json, "json");
    }
}
