/**
 * Netty codec for Parley frames, shared by the server and the client SDK.
 *
 * <p>{@link io.parley.protocol.codec.FrameDecoder} enforces the magic and the maximum body size before it
 * reads a body, so a peer cannot make the other side allocate more than the configured maximum.
 * {@link io.parley.protocol.codec.FrameCodec} is both in one handler (one pipeline context per channel).
 * {@link io.parley.protocol.codec.WebSocketFrameCodec} carries the same frames in binary WebSocket messages.
 */
@Export
@Version("1.3.0")
package io.parley.protocol.codec;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
