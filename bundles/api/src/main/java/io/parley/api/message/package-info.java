/**
 * The inbox as seen by other bundles: each user's newest seq and each device's acknowledged cursor.
 */
@Export
@Version("1.6.0")
package io.parley.api.message;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
