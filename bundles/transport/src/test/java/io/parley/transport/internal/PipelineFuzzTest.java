package io.parley.transport.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.DecoderException;
import io.parley.api.ParleyException;
import io.parley.api.account.LoginRequest;
import io.parley.api.handler.Empty;
import io.parley.api.handler.ParleyType;
import io.parley.api.handler.RequestHandler;
import io.parley.api.message.InboxEntry;
import io.parley.api.message.PullRequest;
import io.parley.api.message.PullResponse;
import io.parley.api.message.SendRequest;
import io.parley.api.serialization.Serializer;
import io.parley.api.session.Session;
import io.parley.protocol.Frame;
import io.parley.protocol.Sign;
import io.parley.protocol.Status;
import io.parley.protocol.Types;
import io.parley.protocol.codec.FrameDecoder;
import io.parley.serialization.internal.GsonSerializer;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Any bytes from a client into a connection's whole pipeline (decoder, login gate, dispatcher, handlers that
 * log in, read bodies and answer long lists): every answer is a response or a notice within maxBody with a
 * known status, nothing escapes as an exception, and a connection is only closed for a bad frame header.
 * Regression inputs in src/test/resources; {@code mvn -Pfuzz} fuzzes.
 */
class PipelineFuzzTest {

    private static final int MAX_BODY = 2048;

    private final Serializer json = new GsonSerializer();
    private final HandlerRegistry handlers = new HandlerRegistry();
    private final Dispatcher dispatcher;
    private final SessionRegistry sessions = new SessionRegistry(1000);
    private final DeviceNotices notices = new DeviceNotices(sessions, new ServiceSlot<>(json), MAX_BODY);

    PipelineFuzzTest() {
        register(Types.LOGIN, request -> {
            LoginRequest body = request.body(LoginRequest.class);
            if (!body.password().equals("right")) {
                throw ParleyException.unauthenticated("Wrong username or password.");
            }
            request.login(new Session(1, body.username(), body.device(), "t"));
            return Empty.INSTANCE;
        });
        register(Types.MSG_SEND, request -> request.body(SendRequest.class));
        register(Types.MSG_PULL, request -> {
            PullRequest body = request.body(PullRequest.class);
            List<InboxEntry> entries = new ArrayList<>();
            for (int i = 0; i < Math.floorMod(body.after(), 200); i++) {
                entries.add(new InboxEntry(i + 1, i, InboxEntry.MSG, "a", "b", null, "text " + i, null, 0));
            }
            return new PullResponse(entries, false);
        });
        register(Types.MSG_ACK, new RequestHandler() {
            @Override
            public Object handle(io.parley.api.handler.Request request) {
                throw new IllegalStateException("a bug in a handler");
            }

            @Override
            public boolean nonBlocking() {
                return true;
            }
        });
        dispatcher = new Dispatcher(new ServiceSlot<>(json), handlers, new UserRates("MSG_SEND:5/60", System::nanoTime),
                MAX_BODY, 0);
    }

    private void register(int type, RequestHandler handler) {
        handlers.add(handler, Map.of(ParleyType.PROPERTY, type, "service.id", (long) type));
    }

    @FuzzTest(maxDuration = "20s")
    void anyBytesGetAnswersWithinTheProtocol(byte[] input) {
        EmbeddedChannel channel = new EmbeddedChannel(new FrameDecoder(MAX_BODY),
                new ConnectionHandler(ConnectionHandler.Shared.of(dispatcher, sessions, notices, Runnable::run,
                                new Connections(), new AtomicInteger(), 10, 6, 3, 8)));
        boolean corrupt = false;
        try {
            channel.writeInbound(Unpooled.wrappedBuffer(input));
        } catch (DecoderException e) {
            corrupt = true;
        }
        channel.runPendingTasks();
        for (Object o; (o = channel.readOutbound()) != null; ) {
            Frame f = (Frame) o;
            assertTrue(f.sign() == Sign.RESPONSE || f.sign() == Sign.NOTICE, "sign " + f.sign());
            assertTrue(f.body().length <= MAX_BODY, f.body().length + " bytes");
            Status.of(f.status());
            if (f.status() == Status.INTERNAL.code()) {
                assertEquals(Types.MSG_ACK, f.type(), "INTERNAL only from the handler that fails on purpose");
            }
            if (f.body().length > 0) {
                assertTrue(!f.bodyText().contains("Exception") && !f.bodyText().contains("\tat "), f.bodyText());
            }
        }
        assertTrue(channel.isActive() || corrupt || !channel.isOpen(), "closed without a bad header");
        channel.finishAndReleaseAll();
    }
}
