/**
 * Storage SPIs. Domain bundles call these; storage bundles implement them. No SQL or Redis leaks out.
 */
@Export
@Version("1.9.0")
package io.parley.api.store;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
