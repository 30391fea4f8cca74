/**
 * Operator commands: a whiteboard of {@link io.parley.api.admin.AdminCommand} services, each run from the Gogo
 * console and the admin HTTP API alike, and audited.
 */
@Export
@Version("1.2.0")
package io.parley.api.admin;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
