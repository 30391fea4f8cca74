/**
 * The Java client SDK for Parley: {@link io.parley.client.ParleyClient} connects over TCP, speaks protocol
 * version 1, and answers every call with a {@link java.util.concurrent.CompletableFuture}. Notices (KICKED,
 * MSG_NOTIFY, PRESENCE ...) go to {@link io.parley.client.NoticeListener}s. It works on a plain class path
 * and inside OSGi alike.
 */
@Export
@Version("2.5.0")
package io.parley.client;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
