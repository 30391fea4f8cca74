/**
 * JSON for Parley bodies on Gson.
 *
 * <p>{@link io.parley.serialization.ParleyGson} is the one Gson configuration the server and the client SDK
 * share: strict JSON, strict field types (a number is not a string, 1.5 is not an integer) and
 * {@link io.parley.api.serialization.WireName} support. The bundle registers the
 * {@link io.parley.api.serialization.Serializer} service built on it.
 */
@Export
@Version("1.0.0")
package io.parley.serialization;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
