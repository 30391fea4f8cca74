package io.parley.feature.qqgroup;

import io.parley.api.serialization.OptionalField;

/** GROUP_SETTINGS body: fields left out stay as they are. */
public record SettingsRequest(Long groupId, @OptionalField String joinMode, @OptionalField Integer maxMembers) {
}
