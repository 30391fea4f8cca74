package io.parley.api.account;

import io.parley.api.serialization.OptionalField;

/** PROFILE_UPDATE body: fields left out stay as they are. */
public record ProfileUpdateRequest(@OptionalField String nickname, @OptionalField String signature,
        @OptionalField String avatar) {
}
