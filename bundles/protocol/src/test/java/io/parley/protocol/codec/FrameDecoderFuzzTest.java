package io.parley.protocol.codec;

import static org.junit.jupiter.api.Assertions.assertTrue;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.CorruptedFrameException;
import io.netty.handler.codec.DecoderException;
import io.parley.protocol.Frame;

/**
 * Any bytes, in any chunks, into the frame decoder: it yields frames within maxBody or closes on a bad header,
 * and never throws anything else. Regression inputs in src/test/resources; {@code mvn -Pfuzz} fuzzes.
 */
class FrameDecoderFuzzTest {

    private static final int MAX_BODY = 1024;

    @FuzzTest(maxDuration = "20s")
    void anyBytesGiveFramesWithinMaxBodyOrAClose(byte[] input) {
        EmbeddedChannel channel = new EmbeddedChannel(new FrameDecoder(MAX_BODY));
        try {
            // Two chunks split where the input says, as TCP may deliver them.
            int cut = input.length == 0 ? 0 : (input[0] & 0xff) % (input.length + 1);
            channel.writeInbound(Unpooled.wrappedBuffer(input, 0, cut));
            if (channel.isActive()) {
                channel.writeInbound(Unpooled.wrappedBuffer(input, cut, input.length - cut));
            }
        } catch (DecoderException e) {
            assertTrue(e instanceof CorruptedFrameException || e.getCause() instanceof CorruptedFrameException, e.toString());
        }
        for (Object o; (o = channel.readInbound()) != null; ) {
            Frame f = (Frame) o;
            assertTrue(f.body().length <= MAX_BODY, "a frame of " + f.body().length + " bytes");
        }
        channel.finishAndReleaseAll();
    }
}
