package io.parley.bench;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.parley.api.message.SendRequest;
import io.parley.api.message.SendResponse;
import io.parley.api.serialization.Serializer;
import io.parley.protocol.Frame;
import io.parley.protocol.Types;
import io.parley.protocol.codec.FrameDecoder;
import io.parley.protocol.codec.FrameEncoder;
import io.parley.serialization.internal.GsonSerializer;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/** The per-message CPU cost of the frame codec and of JSON bodies, one MSG_SEND-sized message at a time. */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class CodecBenchmark {

    private final Serializer serializer = new GsonSerializer();
    private byte[] body;
    private ByteBuf wire;
    private EmbeddedChannel encoder;
    private EmbeddedChannel decoder;

    @Setup
    public void setUp() {
        body = ("{\"id\":\"1234\",\"to\":\"someone\",\"text\":\"" + "hello there, ".repeat(8)
                + "\",\"cid\":\"3f2a8c3e-2f0b-4c55-9d7c-12ab34cd56ef\"}").getBytes(StandardCharsets.UTF_8);
        encoder = new EmbeddedChannel(FrameEncoder.INSTANCE);
        decoder = new EmbeddedChannel(new FrameDecoder(Frame.DEFAULT_MAX_BODY));
        encoder.writeOutbound(Frame.request(Types.MSG_SEND, body));
        ByteBuf encoded = encoder.readOutbound();
        wire = Unpooled.copiedBuffer(encoded);
        encoded.release();
    }

    @Benchmark
    public Object encodeFrame() {
        encoder.writeOutbound(Frame.request(Types.MSG_SEND, body));
        ByteBuf out = encoder.readOutbound();
        out.release();
        return out;
    }

    @Benchmark
    public Object decodeFrame() {
        decoder.writeInbound(wire.retainedDuplicate());
        return decoder.readInbound();
    }

    @Benchmark
    public Object parseRequestBody() {
        return serializer.parse(body).as(SendRequest.class);
    }

    @Benchmark
    public Object writeResponseBody() {
        return serializer.write("1234", new SendResponse(123456789L, 1795675327982L));
    }
}
