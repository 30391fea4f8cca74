package io.parley.bench;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import com.google.gson.JsonPrimitive;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.nio.NioEventLoopGroup;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.util.AttributeKey;
import io.parley.protocol.Frame;
import io.parley.protocol.Status;
import io.parley.protocol.Types;
import io.parley.protocol.codec.FrameDecoder;
import io.parley.protocol.codec.FrameEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The baseline: a raw Netty relay with Parley's frame codec and JSON bodies, and nothing else: no OSGi, no
 * authentication, no storage, no dispatch to a worker pool. It answers the protocol subset the load generator
 * uses (REGISTER, LOGIN, MSG_SEND and GROUP_SEND with MSG_NOTIFY carrying the entry inline, GROUP_CREATE,
 * MSG_ACK, PING), so every figure of Parley can be read against it. Groups are member lists in memory.
 */
public final class RelayServer implements AutoCloseable {

    private static final AttributeKey<String> USER = AttributeKey.valueOf("user");

    private final EventLoopGroup boss = new NioEventLoopGroup(1);
    private final EventLoopGroup io = new NioEventLoopGroup();
    private final Map<String, Channel> online = new ConcurrentHashMap<>();
    private final Map<String, AtomicLong> seqs = new ConcurrentHashMap<>();
    private final AtomicLong msgIds = new AtomicLong();
    private final Map<Long, List<String>> groups = new ConcurrentHashMap<>();
    private final Channel listener;

    public RelayServer(int port) throws InterruptedException {
        listener = new ServerBootstrap().group(boss, io).channel(NioServerSocketChannel.class)
                .option(ChannelOption.SO_BACKLOG, 4096)
                .childOption(ChannelOption.TCP_NODELAY, true)
                .childHandler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        ch.pipeline().addLast(new FrameDecoder(Frame.DEFAULT_MAX_BODY), FrameEncoder.INSTANCE, new Relay());
                    }
                })
                .bind("127.0.0.1", port).sync().channel();
    }

    public static void main(String[] args) throws Exception {
        try (RelayServer relay = new RelayServer(Integer.parseInt(args[0]))) {
            System.out.println("relay listening on " + args[0]);
            Thread.currentThread().join();
        }
    }

    @Override
    public void close() {
        listener.close().syncUninterruptibly();
        boss.shutdownGracefully();
        io.shutdownGracefully();
    }

    private final class Relay extends SimpleChannelInboundHandler<Frame> {
        @Override
        protected void channelRead0(ChannelHandlerContext ctx, Frame frame) {
            if (frame.body().length == 0) {
                ctx.writeAndFlush(Frame.response(frame.type(), Status.OK, new byte[0]));
                return;
            }
            JsonObject in = JsonParser.parseString(frame.bodyText()).getAsJsonObject();
            JsonObject out = new JsonObject();
            out.add("id", in.get("id"));
            switch (frame.type()) {
                case Types.LOGIN -> {
                    String user = in.get("username").getAsString();
                    ctx.channel().attr(USER).set(user);
                    online.put(user, ctx.channel());
                    out.addProperty("userId", 0);
                    out.addProperty("token", "");
                    out.addProperty("seq", 0);
                    out.addProperty("acked", 0);
                }
                case Types.REGISTER -> out.addProperty("userId", 0);
                case Types.MSG_SEND -> send(ctx, in, out);
                case Types.GROUP_CREATE -> {
                    long groupId = msgIds.incrementAndGet();
                    List<String> members = new ArrayList<>();
                    members.add(ctx.channel().attr(USER).get());
                    in.getAsJsonArray("members").forEach(m -> members.add(m.getAsString()));
                    groups.put(groupId, members);
                    out.addProperty("groupId", groupId);
                }
                case Types.GROUP_SEND -> sendToGroup(ctx, in, out);
                default -> {
                    // MSG_ACK, PING and the rest: an empty answer.
                }
            }
            ctx.writeAndFlush(Frame.response(frame.type(), Status.OK, bytes(out)));
        }

        private void send(ChannelHandlerContext ctx, JsonObject in, JsonObject out) {
            long msgId = msgIds.incrementAndGet();
            long ts = System.currentTimeMillis();
            out.addProperty("msgId", msgId);
            out.addProperty("ts", ts);
            String from = ctx.channel().attr(USER).get();
            String to = in.get("to").getAsString();
            // Both users' devices are notified, as the protocol says: the sender's so its other devices see it.
            for (String owner : List.of(from, to)) {
                notifyEntry(owner, msgId, from, "to", new JsonPrimitive(to), in.get("text"), ts);
            }
        }

        /** Every member gets the entry, the sender too (its other devices would), as Parley does. */
        private void sendToGroup(ChannelHandlerContext ctx, JsonObject in, JsonObject out) {
            long msgId = msgIds.incrementAndGet();
            long ts = System.currentTimeMillis();
            out.addProperty("msgId", msgId);
            out.addProperty("ts", ts);
            List<String> members = groups.getOrDefault(in.get("groupId").getAsLong(), List.of());
            for (String member : members) {
                notifyEntry(member, msgId, ctx.channel().attr(USER).get(), "groupId", in.get("groupId"),
                        in.get("text"), ts);
            }
        }

        private void notifyEntry(String owner, long msgId, String from, String whereKey, JsonElement where,
                JsonElement text, long ts) {
            long seq = seqs.computeIfAbsent(owner, k -> new AtomicLong()).incrementAndGet();
            JsonObject entry = new JsonObject();
            entry.addProperty("seq", seq);
            entry.addProperty("msgId", msgId);
            entry.addProperty("kind", "msg");
            entry.addProperty("from", from);
            entry.add(whereKey, where);
            entry.add("text", text);
            entry.addProperty("ts", ts);
            JsonObject notify = new JsonObject();
            notify.addProperty("seq", seq);
            JsonArray messages = new JsonArray();
            messages.add(entry);
            notify.add("messages", messages);
            Channel receiver = online.get(owner);
            if (receiver != null) {
                receiver.writeAndFlush(Frame.notice(Types.MSG_NOTIFY, bytes(notify)));
            }
        }

        @Override
        public void channelInactive(ChannelHandlerContext ctx) {
            String user = ctx.channel().attr(USER).get();
            if (user != null) {
                online.remove(user, ctx.channel());
            }
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            ctx.close();
        }
    }

    private static byte[] bytes(JsonObject json) {
        return json.toString().getBytes(StandardCharsets.UTF_8);
    }
}
