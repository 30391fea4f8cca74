package io.parley.api.message;

import io.parley.api.serialization.OptionalField;

/** MSG_PULL body: entries after seq {@code after}, at most {@code limit} (default 100, max 500). */
public record PullRequest(Long after, @OptionalField Integer limit) {
}
