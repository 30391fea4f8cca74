package io.parley.api.message;

import io.parley.api.serialization.OptionalField;

/**
 * HISTORY body: the conversation {@code with} a user or of a {@code group}, entries before seq
 * {@code before} (default: the newest), at most {@code limit} (default 50, max 500), newest first.
 */
public record HistoryRequest(@OptionalField String with, @OptionalField Long group, @OptionalField Long before,
        @OptionalField Integer limit) {
}
