package io.parley.feature.qqgroup;

import io.parley.api.serialization.OptionalField;

/** GROUP_JOIN body. */
public record JoinRequest(Long groupId, @OptionalField String note) {
}
