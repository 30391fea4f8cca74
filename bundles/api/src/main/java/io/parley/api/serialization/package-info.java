/**
 * Reading request bodies into DTO records and writing response and notice bodies.
 */
@Export
@Version("1.1.0")
package io.parley.api.serialization;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
