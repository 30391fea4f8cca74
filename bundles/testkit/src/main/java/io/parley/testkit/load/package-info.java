/**
 * Steady chat traffic against a running server, through the SDK's ParleySession, with the tallies a test judges a
 * change by: connections dropped, acknowledged messages lost or shown twice, answers by status, slowest answer.
 */
@Export
@Version("1.0.0")
package io.parley.testkit.load;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
