/**
 * Wire helpers for tests of what a Parley server does with any bytes: a raw socket that writes frames byte by byte
 * and reads the answers as they come.
 */
@Export
@Version("1.0.0")
package io.parley.testkit.wire;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
