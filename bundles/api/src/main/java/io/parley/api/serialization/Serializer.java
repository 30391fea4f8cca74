package io.parley.api.serialization;

import org.osgi.annotation.versioning.ProviderType;

/** Turns frame bodies into DTO records and back. */
@ProviderType
public interface Serializer {

    /**
     * Parses a request body.
     *
     * @throws io.parley.api.ParleyException BAD_REQUEST when the body is not a UTF-8 JSON object
     */
    Payload parse(byte[] body);

    /**
     * Writes a body: {@code id} first (left out when null, as in notices), then the record's components.
     */
    byte[] write(String id, Object body);
}
