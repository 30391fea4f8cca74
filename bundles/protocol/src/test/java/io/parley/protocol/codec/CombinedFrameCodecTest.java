package io.parley.protocol.codec;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandler;
import io.netty.channel.embedded.EmbeddedChannel;
import io.parley.protocol.Frame;
import io.parley.protocol.Types;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** FrameCodec meets every rule of the separate decoder and encoder, in one handler, both ways. */
class CombinedFrameCodecTest extends FrameCodecTest {

    @Override
    ChannelHandler reader(int maxBody) {
        return new FrameCodec(maxBody);
    }

    @Override
    ChannelHandler writer() {
        return new FrameCodec(Frame.DEFAULT_MAX_BODY);
    }

    @Test
    void oneHandlerReadsAndWritesAndPassesOtherMessagesOn() {
        EmbeddedChannel ch = new EmbeddedChannel(new FrameCodec(64));
        Frame ping = Frame.request(Types.PING, "{}".getBytes(StandardCharsets.UTF_8));
        ch.writeOutbound(ping, "not a frame");
        ByteBuf bytes = ch.readOutbound();
        assertEquals("not a frame", ch.readOutbound());
        ch.writeInbound(bytes);
        Frame back = ch.readInbound();
        assertEquals(Types.PING, back.type());
        assertEquals("{}", back.bodyText());
        ch.finishAndReleaseAll();
    }
}
