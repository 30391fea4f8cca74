package io.parley.transport.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonNull;
import com.google.gson.JsonObject;
import com.google.gson.JsonPrimitive;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.parley.accounts.internal.AccountsKit;
import io.parley.api.handler.ParleyType;
import io.parley.api.serialization.Serializer;
import io.parley.friends.internal.FriendsKit;
import io.parley.groups.internal.GroupsKit;
import io.parley.messaging.internal.MessagingKit;
import io.parley.protocol.Frame;
import io.parley.protocol.Sign;
import io.parley.protocol.Status;
import io.parley.protocol.Types;
import io.parley.protocol.codec.FrameDecoder;
import io.parley.serialization.internal.GsonSerializer;
import io.parley.testkit.Kit;
import io.parley.testkit.MemoryStores;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The whole server in one JVM without Felix: the transport's pipeline, the real handlers of accounts, messaging,
 * friends and groups, and in-memory stores. Three clients start logged in (alice and bob are friends and share a
 * group; carol is a stranger) and the fuzzer sends requests of every core type from any of them, with bodies
 * built from the fields requests use, filled with any values, or with any text at all. Every answer must be a
 * response or notice within maxBody with a known status, never INTERNAL, never a stack trace; and a connection
 * stays open, since every frame is well formed. Regression inputs in src/test/resources; {@code mvn -Pfuzz}
 * fuzzes.
 */
class ServerFuzzTest {

    private static final int MAX_BODY = 4096;
    private static final String[] USERS = {"alice", "bob", "carol"};
    private static final int[] TYPES = {Types.PING, Types.REGISTER, Types.LOGIN, Types.RESUME, Types.LOGOUT,
        Types.PROFILE_GET, Types.PROFILE_UPDATE, Types.PASSWORD_CHANGE, Types.FRIEND_ADD, Types.FRIEND_ACCEPT,
        Types.FRIEND_REJECT, Types.FRIEND_REMOVE, Types.FRIEND_LIST, Types.MSG_SEND, Types.MSG_PULL, Types.MSG_ACK,
        Types.HISTORY, Types.GROUP_CREATE, Types.GROUP_DISSOLVE, Types.GROUP_ADD, Types.GROUP_REMOVE,
        Types.GROUP_LEAVE, Types.GROUP_INFO, Types.GROUP_LIST, Types.GROUP_SEND, Types.AUTH_START, Types.AUTH_FINISH};
    /** Every field name a core request has, so that built bodies reach the handlers' own checks. */
    private static final String[] FIELDS = {"username", "password", "nickname", "device", "token", "signature",
        "avatar", "old", "new", "note", "after", "to", "text", "cid", "seq", "limit", "with", "group", "before",
        "groupId", "name", "members", "clientNonce", "nonce", "proof"};

    /** Each user's password hash, made once: hashing is most of what building a world costs. */
    private static final Map<String, String> HASHES = java.util.Arrays.stream(USERS)
            .collect(java.util.stream.Collectors.toMap(u -> u, u -> AccountsKit.passwordHash("password-" + u)));

    /** One server: its stores, components and three logged-in connections. */
    private static final class World implements AutoCloseable {
        final Serializer json = new GsonSerializer();
        final MemoryStores stores = new MemoryStores();
        final SessionRegistry sessions = new SessionRegistry(1000);
        final DeviceNotices notices = new DeviceNotices(sessions, new ServiceSlot<>(json), MAX_BODY);
        final HandlerRegistry handlers = new HandlerRegistry();
        final AccountsKit accounts = new AccountsKit(stores, sessions);
        final MessagingKit messaging = new MessagingKit(stores, notices, json, accounts.accounts());
        final FriendsKit friends = new FriendsKit(stores, accounts.accounts(), notices, sessions);
        final GroupsKit groups = new GroupsKit(stores, messaging.messages(), accounts.accounts());
        final List<Kit> kits = List.of(accounts, messaging, friends, groups);
        final Dispatcher dispatcher;
        final List<EmbeddedChannel> clients = new ArrayList<>();

        World() {
            for (Kit kit : kits) {
                for (Object service : List.of(notices, messaging.messages(), friends.friends(), groups.groups())) {
                    kit.offer(service);
                }
                kit.handlers().forEach((type, handler) ->
                        handlers.add(handler, Map.of(ParleyType.PROPERTY, type, "service.id", (long) type)));
            }
            dispatcher = new Dispatcher(new ServiceSlot<>(json), handlers, new UserRates("", System::nanoTime),
                    MAX_BODY, 0);
            for (String user : USERS) {
                EmbeddedChannel client = new EmbeddedChannel(new FrameDecoder(MAX_BODY),
                        new ConnectionHandler(ConnectionHandler.Shared.of(dispatcher, sessions, notices, Runnable::run,
                                new Connections(), new AtomicInteger(), 10, 6, 3, 64)));
                clients.add(client);
                stores.accounts().create(user, HASHES.get(user), user, 0);
                expectOk(client, Types.LOGIN, "{\"username\":\"" + user + "\",\"password\":\"password-" + user
                        + "\",\"device\":\"pc\"}");
            }
            expectOk(clients.get(0), Types.FRIEND_ADD, "{\"username\":\"bob\"}");
            expectOk(clients.get(1), Types.FRIEND_ACCEPT, "{\"username\":\"alice\"}");
            expectOk(clients.get(0), Types.GROUP_CREATE, "{\"name\":\"g\",\"members\":[\"bob\"]}");
            expectOk(clients.get(0), Types.MSG_SEND, "{\"to\":\"bob\",\"text\":\"hi\",\"cid\":\"c1\"}");
        }

        void expectOk(EmbeddedChannel client, int type, String body) {
            List<Frame> answers = send(client, type, ("{\"id\":\"setup\"," + body.substring(1)).getBytes(StandardCharsets.UTF_8));
            Frame response = answers.stream().filter(f -> f.sign() == Sign.RESPONSE).findFirst().orElseThrow();
            assertEquals(Status.OK.code(), response.status(), Types.name(type) + ": " + response.bodyText());
        }

        /** Writes one request as bytes and returns what the server wrote back to this client. */
        List<Frame> send(EmbeddedChannel client, int type, byte[] body) {
            ByteBuf bytes = Unpooled.buffer(Frame.HEADER_LENGTH + body.length);
            bytes.writeShort(Frame.MAGIC).writeByte(Sign.REQUEST).writeByte(type).writeByte(0)
                    .writeInt(body.length).writeBytes(body);
            client.writeInbound(bytes);
            return answers(client);
        }

        static List<Frame> answers(EmbeddedChannel client) {
            client.runPendingTasks();
            List<Frame> out = new ArrayList<>();
            for (Object o; (o = client.readOutbound()) != null; ) {
                out.add((Frame) o);
            }
            return out;
        }

        @Override
        public void close() {
            clients.forEach(EmbeddedChannel::finishAndReleaseAll);
            kits.forEach(Kit::close);
            try {
                sessions.deactivate(); // its event thread: a long fuzz run ran out of threads without this
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    @FuzzTest(maxDuration = "20s")
    void anyRequestFromAnyUserGetsAnAnswerWithinTheProtocol(FuzzedDataProvider data) {
        try (World world = new World()) {
            List<EmbeddedChannel> ended = new ArrayList<>();
            for (int i = 0; i < 8 && data.remainingBytes() > 0; i++) {
                List<EmbeddedChannel> open = world.clients.stream().filter(EmbeddedChannel::isOpen).toList();
                if (open.isEmpty()) {
                    break;
                }
                EmbeddedChannel sender = open.get(data.consumeInt(0, open.size() - 1));
                int type = data.pickValue(TYPES);
                byte[] body = data.consumeBoolean() ? body(data, 0).toString().getBytes(StandardCharsets.UTF_8)
                        : data.consumeBytes(MAX_BODY);
                check(type, world.send(sender, type, body), sender, ended);
                if (type == Types.LOGOUT) {
                    ended.add(sender);
                }
                for (EmbeddedChannel other : world.clients) {
                    if (other != sender) {
                        check(-1, World.answers(other), other, ended);
                    }
                }
                for (EmbeddedChannel client : world.clients) {
                    assertTrue(client.isOpen() || ended.contains(client),
                            "a well-formed connection was closed without KICKED or LOGOUT, after " + Types.name(type));
                }
            }
        }
    }

    /**
     * What one client got: responses only to the type it sent ({@code -1}: none), notices, each within the
     * protocol. A KICKED notice marks the client as ended.
     */
    private static void check(int type, List<Frame> answers, EmbeddedChannel client, List<EmbeddedChannel> ended) {
        for (Frame f : answers) {
            assertTrue(f.sign() == Sign.RESPONSE || f.sign() == Sign.NOTICE, "sign " + f.sign());
            assertTrue(f.body().length <= MAX_BODY, f.body().length + " bytes");
            Status.of(f.status());
            assertNotEquals(Status.INTERNAL.code(), f.status(), Types.name(f.type()) + ": " + f.bodyText());
            if (f.status() != Status.OK.code()) {
                assertTrue(!f.bodyText().contains("\tat io.parley") && !f.bodyText().contains("\tat java."),
                        f.bodyText());
            }
            if (f.sign() == Sign.RESPONSE) {
                assertEquals(type, f.type(), "an answer to another type: " + f);
            } else if (f.type() == Types.KICKED) {
                ended.add(client);
            }
        }
    }

    /** A JSON object with fields of core requests, each any value. */
    private static JsonObject body(FuzzedDataProvider data, int depth) {
        JsonObject body = new JsonObject();
        if (depth == 0 && data.consumeInt(0, 7) > 0) {
            body.addProperty("id", "r" + data.consumeInt(0, 9));
        }
        int fields = data.consumeInt(0, 4);
        for (int i = 0; i < fields; i++) {
            body.add(data.pickValue(FIELDS), value(data, depth));
        }
        return body;
    }

    private static JsonElement value(FuzzedDataProvider data, int depth) {
        return switch (data.consumeInt(0, depth < 2 ? 7 : 5)) {
            case 0 -> JsonNull.INSTANCE;
            case 1 -> new JsonPrimitive(data.consumeLong());
            case 2 -> new JsonPrimitive(data.consumeInt(-2, 3));
            case 3 -> new JsonPrimitive(data.pickValue(USERS));
            case 4 -> new JsonPrimitive(data.consumeBoolean());
            case 5 -> new JsonPrimitive(data.consumeString(600));
            case 6 -> {
                JsonArray array = new JsonArray();
                int n = data.consumeInt(0, 4);
                for (int i = 0; i < n; i++) {
                    array.add(value(data, depth + 1));
                }
                yield array;
            }
            default -> body(data, depth + 1);
        };
    }
}
