package io.parley.transport.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import io.netty.bootstrap.Bootstrap;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.DefaultEventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.local.LocalAddress;
import io.netty.channel.local.LocalChannel;
import io.netty.channel.local.LocalServerChannel;
import io.parley.api.handler.Empty;
import io.parley.api.handler.ParleyType;
import io.parley.api.handler.RequestHandler;
import io.parley.api.serialization.Serializer;
import io.parley.api.session.Session;
import io.parley.protocol.Frame;
import io.parley.protocol.Sign;
import io.parley.protocol.Status;
import io.parley.protocol.Types;
import io.parley.protocol.codec.FrameDecoder;
import io.parley.protocol.codec.FrameEncoder;
import io.parley.serialization.internal.GsonSerializer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The connection handler on Netty's in-VM transport with real event loop and worker threads, so that answers
 * written by workers really race answers written on the event loop.
 */
class ConnectionHandlerTest {

    private static final int SLOW = Types.MSG_SEND;
    private static final int FAST = Types.MSG_ACK;

    private final Serializer json = new GsonSerializer();
    private final ServiceSlot<Serializer> serializer = new ServiceSlot<>(json);
    private final HandlerRegistry handlers = new HandlerRegistry();
    private final SessionRegistry sessions = new SessionRegistry(1000);
    private final DeviceNotices notices = new DeviceNotices(sessions, new ServiceSlot<>(json), Frame.DEFAULT_MAX_BODY);
    private final ExecutorService workers = Executors.newFixedThreadPool(4);
    private final DefaultEventLoopGroup loops = new DefaultEventLoopGroup(2);
    private final BlockingQueue<Frame> received = new LinkedBlockingQueue<>();
    private final AtomicInteger slowCalls = new AtomicInteger();
    private volatile CountDownLatch slowGate = new CountDownLatch(0);
    private Channel client;
    private volatile Channel server;

    private void register(int type, RequestHandler handler) {
        handlers.add(handler, Map.of(ParleyType.PROPERTY, type, "service.id", (long) type));
    }

    /** Starts a server whose LOGIN logs in, SLOW answers after up to a few microseconds, FAST does not block. */
    private void start(int maxPending) throws Exception {
        register(Types.LOGIN, request -> {
            request.login(new Session(1, "u", "pc", "t"));
            return Empty.INSTANCE;
        });
        register(SLOW, request -> {
            slowCalls.incrementAndGet();
            try {
                slowGate.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            LockSupport.parkNanos(ThreadLocalRandom.current().nextInt(20_000));
            return Empty.INSTANCE;
        });
        register(FAST, new RequestHandler() {
            @Override
            public Object handle(io.parley.api.handler.Request request) {
                return Empty.INSTANCE;
            }

            @Override
            public boolean nonBlocking() {
                return true;
            }
        });
        Dispatcher dispatcher = new Dispatcher(serializer, handlers, new UserRates("", System::nanoTime), Frame.DEFAULT_MAX_BODY, 2000);
        LocalAddress address = new LocalAddress("parley-" + System.nanoTime());
        new ServerBootstrap().group(loops).channel(LocalServerChannel.class)
                .childHandler(new ChannelInitializer<LocalChannel>() {
                    @Override
                    protected void initChannel(LocalChannel ch) {
                        server = ch;
                        ch.pipeline().addLast(new FrameDecoder(Frame.DEFAULT_MAX_BODY), FrameEncoder.INSTANCE,
                                new ConnectionHandler(ConnectionHandler.Shared.of(dispatcher, sessions, notices, workers,
                                new Connections(), new AtomicInteger(), 30, 6, 3, maxPending)));
                    }
                }).bind(address).sync();
        client = new Bootstrap().group(loops).channel(LocalChannel.class)
                .handler(new ChannelInitializer<LocalChannel>() {
                    @Override
                    protected void initChannel(LocalChannel ch) {
                        ch.pipeline().addLast(new FrameDecoder(Frame.DEFAULT_MAX_BODY), FrameEncoder.INSTANCE,
                                new SimpleChannelInboundHandler<Frame>() {
                                    @Override
                                    protected void channelRead0(ChannelHandlerContext ctx, Frame frame) {
                                        received.add(frame);
                                    }
                                });
                    }
                }).connect(address).sync().channel();
        send(Types.LOGIN, "login");
        assertEquals(Status.OK.code(), next().status());
    }

    @AfterEach
    void stop() throws Exception {
        slowGate.countDown();
        if (client != null) {
            client.close().sync();
        }
        loops.shutdownGracefully(0, 1, TimeUnit.SECONDS).sync();
        workers.shutdownNow();
    }

    private void send(int type, String id) {
        client.writeAndFlush(Frame.request(type, ("{\"id\":\"" + id + "\"}").getBytes(StandardCharsets.UTF_8)));
    }

    private Frame next() throws InterruptedException {
        Frame f = received.poll(10, TimeUnit.SECONDS);
        assertNotNull(f, "no answer within 10 s");
        return f;
    }

    private static String id(Frame f) {
        JsonObject body = JsonParser.parseString(f.bodyText()).getAsJsonObject();
        return body.get("id").getAsString();
    }

    @Test
    void answersLeaveInTheOrderTheRequestsArrived() throws Exception {
        start(64);
        int[] kinds = {SLOW, FAST, Types.PING};
        for (int round = 0; round < 100; round++) {
            List<String> sent = new ArrayList<>();
            for (int i = 0; i < 40; i++) {
                int type = kinds[ThreadLocalRandom.current().nextInt(kinds.length)];
                String id = round + "-" + i;
                client.write(Frame.request(type, ("{\"id\":\"" + id + "\"}").getBytes(StandardCharsets.UTF_8)));
                sent.add(id);
            }
            client.flush();
            for (String id : sent) {
                Frame answer = next();
                assertEquals(Sign.RESPONSE, answer.sign());
                assertEquals(Status.OK.code(), answer.status(), answer.bodyText());
                assertEquals(id, id(answer), "answers out of order in round " + round);
            }
        }
    }

    @Test
    void requestsBeyondTheLimitAreRefusedInTheirTurn() throws Exception {
        start(4);
        slowGate = new CountDownLatch(1);
        for (int i = 0; i < 10; i++) {
            send(i % 2 == 0 ? SLOW : FAST, "r" + i);
        }
        // The first four wait for the gate; the six behind them are refused, but only after them.
        Thread.sleep(200);
        assertNull(received.poll(), "nothing may overtake the first, blocked request");
        slowGate.countDown();
        // The login's answer may still count as unanswered for a moment (its count drops on the event loop
        // right after its write), so r3 is either; before it all fit, after it none does.
        for (int i = 0; i < 10; i++) {
            Frame answer = next();
            assertEquals("r" + i, id(answer));
            if (i != 3) {
                assertEquals(i < 3 ? Status.OK.code() : Status.RATE_LIMITED.code(), answer.status(), answer.bodyText());
            }
        }
        send(FAST, "after");
        assertEquals("after", id(next()));
    }

    @Test
    void queuedRequestsOfAClosedConnectionAreDropped() throws Exception {
        start(64);
        slowGate = new CountDownLatch(1);
        for (int i = 0; i < 20; i++) {
            send(SLOW, "s" + i);
        }
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (slowCalls.get() == 0 && System.nanoTime() < deadline) {
            Thread.sleep(5);
        }
        client.close().sync();
        assertTrue(server.closeFuture().await(5, TimeUnit.SECONDS));
        slowGate.countDown();
        workers.shutdown();
        assertTrue(workers.awaitTermination(5, TimeUnit.SECONDS));
        assertEquals(1, slowCalls.get(), "only the request already running when the connection closed ran");
    }

    @Test
    void aRequestWaitsWhileTheSerializerIsBeingUpdated() throws Exception {
        start(64);
        serializer.unbind(json);
        send(FAST, "during");
        send(Types.PING, "ping");
        Thread.sleep(300);
        assertNull(received.poll(), "answered without a serializer");
        serializer.bind(new GsonSerializer());
        assertEquals("during", id(next()));
        assertEquals("ping", id(next()));
        assertTrue(client.isActive());
    }

    @Test
    void aRequestThatWaitsTooLongForTheSerializerClosesItsConnection() throws Exception {
        start(64);
        serializer.unbind(json);
        send(SLOW, "never");
        client.closeFuture().await(5, TimeUnit.SECONDS);
        assertTrue(!client.isActive(), "the connection stays open with no serializer after the wait");
    }
}
