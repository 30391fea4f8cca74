/**
 * Parley's service API: the exception every layer uses to answer a client with a status and a sentence.
 *
 * <p>The sub-packages hold the service interfaces, SPIs and DTO records that the bundles share; the api
 * bundle holds no implementation. {@code @ProviderType} interfaces are implemented by Parley's own bundles;
 * {@code @ConsumerType} ones (handlers, listeners, rules) by anyone who extends Parley.
 */
@Export
@Version("1.0.0")
package io.parley.api;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
