package io.parley.transport.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.haproxy.HAProxyMessageDecoder;
import io.parley.protocol.Frame;
import io.parley.protocol.Sign;
import io.parley.protocol.Types;
import io.parley.protocol.codec.FrameDecoder;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;
import org.junit.jupiter.api.Test;

/** The client address behind a trusted load balancer, from a PROXY protocol v1 or v2 header. */
class ProxyHeaderTest {

    private final List<InetSocketAddress> admitted = new ArrayList<>();

    private EmbeddedChannel channel(Predicate<InetSocketAddress> admit) {
        return new EmbeddedChannel(new HAProxyMessageDecoder(), new ProxyHeader(client -> {
            admitted.add(client);
            return admit.test(client);
        }), new FrameDecoder(Frame.DEFAULT_MAX_BODY));
    }

    private static ByteBuf ping() {
        byte[] body = "{\"id\":\"1\"}".getBytes(StandardCharsets.UTF_8);
        return Unpooled.buffer().writeShort(Frame.MAGIC).writeByte(Sign.REQUEST).writeByte(Types.PING).writeByte(0)
                .writeInt(body.length).writeBytes(body);
    }

    /** A v2 header: the signature, version 2, the command, TCP over IPv4, and the addresses. */
    private static ByteBuf v2(int command, byte[] source, int sourcePort) {
        ByteBuf b = Unpooled.buffer().writeBytes(new byte[] {0x0D, 0x0A, 0x0D, 0x0A, 0x00, 0x0D, 0x0A, 0x51, 0x55,
            0x49, 0x54, 0x0A});
        b.writeByte(0x20 | command).writeByte(0x11).writeShort(12);
        return b.writeBytes(source).writeBytes(new byte[] {10, 0, 0, 1}).writeShort(sourcePort).writeShort(7700);
    }

    private static void assertPingPassesThrough(EmbeddedChannel ch) {
        Frame f = ch.readInbound();
        assertEquals(Types.PING, f.type(), "the client's own bytes follow the header");
    }

    @Test
    void aVersion1HeaderGivesTheClientAddress() {
        EmbeddedChannel ch = channel(c -> true);
        ch.writeInbound(Unpooled.copiedBuffer("PROXY TCP4 203.0.113.7 10.0.0.1 51000 7700\r\n", StandardCharsets.US_ASCII),
                ping());
        assertEquals(new InetSocketAddress("203.0.113.7", 51000), ch.attr(ClientAddress.PROXIED).get());
        assertEquals("203.0.113.7", ClientAddress.host(ch));
        assertPingPassesThrough(ch);
        assertNull(ch.pipeline().get(ProxyHeader.class), "one header per connection");
    }

    @Test
    void aVersion2HeaderGivesTheClientAddress() {
        EmbeddedChannel ch = channel(c -> true);
        ch.writeInbound(v2(0x1, new byte[] {(byte) 198, 51, 100, 9}, 40000), ping());
        assertEquals("198.51.100.9", ClientAddress.host(ch));
        assertPingPassesThrough(ch);
    }

    @Test
    void theBalancersOwnHealthCheckKeepsItsAddress() {
        EmbeddedChannel ch = channel(c -> true);
        ch.writeInbound(v2(0x0, new byte[] {1, 2, 3, 4}, 1), ping());
        assertNull(ch.attr(ClientAddress.PROXIED).get());
        assertTrue(admitted.isEmpty());
        assertPingPassesThrough(ch);
    }

    @Test
    void aClientOnAUnixSocketKeepsTheBalancersAddressAndIsNotLookedUp() {
        EmbeddedChannel ch = channel(c -> true);
        ByteBuf b = Unpooled.buffer().writeBytes(new byte[] {0x0D, 0x0A, 0x0D, 0x0A, 0x00, 0x0D, 0x0A, 0x51, 0x55,
            0x49, 0x54, 0x0A});
        byte[] path = new byte[108];
        byte[] name = "localhost".getBytes(StandardCharsets.US_ASCII); // a path that a lookup would resolve
        System.arraycopy(name, 0, path, 0, name.length);
        b.writeByte(0x21).writeByte(0x31).writeShort(216).writeBytes(path).writeBytes(new byte[108]);
        ch.writeInbound(b, ping());
        assertNull(ch.attr(ClientAddress.PROXIED).get());
        assertTrue(admitted.isEmpty());
        assertPingPassesThrough(ch);
    }

    @Test
    void aConnectionFromABalancerWithoutAHeaderIsRefused() {
        EmbeddedChannel ch = channel(c -> true);
        ByteBuf requests = Unpooled.buffer();
        for (int i = 0; i < 8; i++) {
            requests.writeBytes(ping()); // past the longest version 1 header without a line end
        }
        assertThrows(RuntimeException.class, () -> ch.writeInbound(requests));
        assertNull(ch.attr(ClientAddress.PROXIED).get());
        assertNull(ch.readInbound(), "no request got through");
    }

    @Test
    void theClientAddressCountsForTheConnectionLimit() {
        EmbeddedChannel ch = channel(c -> false);
        ch.writeInbound(Unpooled.copiedBuffer("PROXY TCP4 203.0.113.7 10.0.0.1 51000 7700\r\n", StandardCharsets.US_ASCII),
                ping());
        assertEquals(List.of(new InetSocketAddress("203.0.113.7", 51000)), admitted);
        assertFalse(ch.isOpen(), "over the limit for that client: closed");
    }

    @Test
    void balancersAreAddressesOrRanges() {
        LoadBalancers lb = LoadBalancers.parse(" 10.0.0.5, 10.1.0.0/16 ,fd00::/8");
        assertTrue(lb.contains(new InetSocketAddress("10.0.0.5", 1)));
        assertFalse(lb.contains(new InetSocketAddress("10.0.0.6", 1)));
        assertTrue(lb.contains(new InetSocketAddress("10.1.200.3", 1)));
        assertTrue(lb.contains(new InetSocketAddress("fd00::1", 1)));
        assertFalse(lb.contains(new InetSocketAddress("127.0.0.1", 1)));
        assertTrue(LoadBalancers.parse("").isEmpty());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> LoadBalancers.parse("10.0.0.1, lb.example.com"));
        assertTrue(e.getMessage().contains("lb.example.com"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> LoadBalancers.parse("10.0.0.0/33"));
    }
}
