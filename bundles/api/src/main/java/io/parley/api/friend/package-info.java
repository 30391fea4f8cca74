/**
 * Friends as other bundles see them.
 */
@Export
@Version("1.1.0")
package io.parley.api.friend;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
