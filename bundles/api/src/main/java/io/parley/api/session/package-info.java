/**
 * Logged-in sessions: pushing notices to a user's devices and hearing when devices come and go.
 */
@Export
@Version("1.6.0")
package io.parley.api.session;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
