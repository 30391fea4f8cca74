package io.parley.api.serialization;

import org.osgi.annotation.versioning.ProviderType;

/** A parsed JSON object body. */
@ProviderType
public interface Payload {

    /**
     * The request id.
     *
     * @throws io.parley.api.ParleyException BAD_REQUEST when it is missing, not a string or not 1..64 characters
     */
    String id();

    /**
     * The body as a record. Every component not marked {@link OptionalField} must be present and of the
     * right JSON type; unknown fields are ignored, so clients may send fields of newer versions.
     *
     * @throws io.parley.api.ParleyException BAD_REQUEST naming the field that does not fit
     */
    <T> T as(Class<T> type);
}
