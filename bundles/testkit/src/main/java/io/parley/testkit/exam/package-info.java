/**
 * Pax Exam support for testing Parley and its features in a real Felix: {@link io.parley.testkit.exam.ParleyTestSupport}
 * boots the distribution's bundle set (from this build's distribution, or one unpacked from its released archive)
 * with the client SDK, on free ports and fresh storage, and offers connected clients and waits;
 * {@link io.parley.testkit.exam.HotDeploy} proves that a feature jar installs, updates and uninstalls while users
 * chat, with no connection dropped and no acknowledged message lost.
 */
@Export
@Version("1.0.0")
package io.parley.testkit.exam;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
