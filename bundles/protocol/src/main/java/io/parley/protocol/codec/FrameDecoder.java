package io.parley.protocol.codec;


/**
 * Decodes Parley frames from a byte stream.
 *
 * <p>The header is checked before any body byte is read: a wrong magic, a negative length or a length above
 * {@code maxBody} closes the channel at once and discards whatever else the peer sends. The decoder never
 * allocates more than {@code maxBody} bytes for one frame. Create one per channel: it is stateful.
 */
public final class FrameDecoder extends FrameReader {

    public FrameDecoder(int maxBody) {
        super(maxBody);
    }
}
