/**
 * The transport's service for other carriers of the same frames: {@link io.parley.transport.Carriers}.
 */
@Export
@Version("1.1.0")
package io.parley.transport;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
