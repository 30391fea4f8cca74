package io.parley.itests;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;
import static org.ops4j.pax.exam.cm.ConfigurationAdminOptions.newConfiguration;

import io.parley.api.message.InboxEntry;
import io.parley.client.ParleySession;
import io.parley.protocol.Frame;
import io.parley.protocol.Types;
import io.parley.testkit.exam.ParleyTestSupport;
import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.lang.management.ManagementFactory;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.Test;
import org.junit.runner.RunWith;
import org.ops4j.pax.exam.Option;
import org.ops4j.pax.exam.junit.PaxExam;
import org.ops4j.pax.exam.spi.reactors.ExamReactorStrategy;
import org.ops4j.pax.exam.spi.reactors.PerClass;

/**
 * One client sends 20,000 random and mutated frames (valid headers with broken or hostile bodies, unknown types,
 * responses instead of requests, now and then a broken header, which closes its connection and it comes back
 * and logs in again) while two others chat. The chat sees no error and loses nothing, and the server's heap
 * is back near where it was once the hostile client has gone.
 */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerClass.class)
public class HostileClientIT extends ParleyTestSupport {

    private static final int FRAMES = 20_000;

    @Override
    protected Option[] extraOptions() {
        return new Option[] {newConfiguration("io.parley.messaging").put("requireFriendship", "false").asOption()};
    }

    /** Bodies the mutations start from: every core request, well formed. */
    private static String[] seeds(String user, String peer) {
        return new String[] {
            "{\"id\":\"1\"}",
            "{\"id\":\"2\",\"username\":\"" + user + "\",\"password\":\"" + PASSWORD + "\",\"device\":\"x\"}",
            "{\"id\":\"3\",\"token\":\"AAAAAAAAAAAAAAAAAAAAAA\",\"device\":\"x\"}",
            "{\"id\":\"4\",\"username\":\"" + peer + "\"}",
            "{\"id\":\"5\",\"nickname\":\"n\",\"signature\":\"s\",\"avatar\":\"a\"}",
            "{\"id\":\"6\",\"old\":\"" + PASSWORD + "\",\"new\":\"" + PASSWORD + "\"}",
            "{\"id\":\"7\",\"username\":\"" + peer + "\",\"note\":\"hi\"}",
            "{\"id\":\"8\",\"to\":\"" + peer + "\",\"text\":\"hello\",\"cid\":\"c\"}",
            "{\"id\":\"9\",\"after\":0,\"limit\":500}",
            "{\"id\":\"10\",\"seq\":1}",
            "{\"id\":\"11\",\"with\":\"" + peer + "\",\"before\":100,\"limit\":50}",
            "{\"id\":\"12\",\"name\":\"g\",\"members\":[\"" + peer + "\"]}",
            "{\"id\":\"13\",\"groupId\":1,\"members\":[\"" + peer + "\"]}",
            "{\"id\":\"14\",\"groupId\":1,\"text\":\"t\",\"cid\":\"g\"}",
            "{\"id\":\"15\",\"groupId\":1,\"after\":\"a\"}",
        };
    }

    private static final String[] HOSTILE = {"", "null", "[]", "{}", "\"x\"", "1e999999", "-0", "{\"id\":{}}",
        "[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]", "\u0000", "\uFFFF",
        "\"\\ud800\"", "99999999999999999999999999", "true", "{\"id\":\"\u202Eevil\"}"};

    private static byte[] mutate(Random random, String[] seeds) {
        String body = seeds[random.nextInt(seeds.length)];
        switch (random.nextInt(6)) {
            case 0 -> {
                return HOSTILE[random.nextInt(HOSTILE.length)].getBytes(StandardCharsets.UTF_8);
            }
            case 1 -> {
                return body.substring(0, random.nextInt(body.length())).getBytes(StandardCharsets.UTF_8);
            }
            case 2 -> {
                byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
                for (int i = 0; i < 1 + random.nextInt(4); i++) {
                    bytes[random.nextInt(bytes.length)] = (byte) random.nextInt(256);
                }
                return bytes;
            }
            case 3 -> {
                int at = body.indexOf(':', random.nextInt(body.length()));
                String value = HOSTILE[random.nextInt(HOSTILE.length)];
                return (at < 0 ? body : body.substring(0, at + 1) + value + body.substring(at + 1))
                        .getBytes(StandardCharsets.UTF_8);
            }
            case 4 -> {
                return body.replace("\"hi\"", "\"" + "x".repeat(random.nextInt(20_000)) + "\"")
                        .getBytes(StandardCharsets.UTF_8);
            }
            default -> {
                return body.getBytes(StandardCharsets.UTF_8);
            }
        }
    }

    /** A raw connection whose answers a thread reads and drops, so that the server never stops reading it. */
    private static final class Raw implements AutoCloseable {
        final Socket socket;
        final DataOutputStream out;

        Raw(int port) throws IOException {
            socket = new Socket("127.0.0.1", port);
            out = new DataOutputStream(socket.getOutputStream());
            InputStream in = socket.getInputStream();
            Thread drain = new Thread(() -> {
                byte[] buffer = new byte[65536];
                try {
                    while (in.read(buffer) >= 0) {
                        // dropped
                    }
                } catch (IOException e) {
                    // closed
                }
            }, "drain");
            drain.setDaemon(true);
            drain.start();
        }

        void frame(int magic, int sign, int type, byte[] body, int length) throws IOException {
            out.writeShort(magic);
            out.writeByte(sign);
            out.writeByte(type);
            out.writeByte(0);
            out.writeInt(length);
            out.write(body);
        }

        @Override
        public void close() throws IOException {
            socket.close();
        }
    }

    private static long heapAfterGc() throws InterruptedException {
        for (int i = 0; i < 3; i++) {
            System.gc();
            Thread.sleep(100);
        }
        return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
    }

    @Test
    public void twentyThousandHostileFramesHurtNobodyElse() throws Exception {
        awaitServer();
        String a = registered("calm-a");
        String b = registered("calm-b");
        String attacker = registered("hostile");
        List<InboxEntry> atB = new CopyOnWriteArrayList<>();
        ParleySession sessionB = await(ParleySession.login("127.0.0.1", port(), b, PASSWORD, "pc", SDK_OPTIONS, atB::add));
        ParleySession sessionA = await(ParleySession.login("127.0.0.1", port(), a, PASSWORD, "pc", SDK_OPTIONS, e -> { }));
        long heapBefore = heapAfterGc();

        AtomicBoolean attacking = new AtomicBoolean(true);
        List<String> chatErrors = new CopyOnWriteArrayList<>();
        List<String> sent = new ArrayList<>();
        CompletableFuture<Void> chat = CompletableFuture.runAsync(() -> {
            for (int i = 0; attacking.get() || i < 20; i++) {
                String text = "calm " + i;
                try {
                    sessionA.send(b, text).get(20, TimeUnit.SECONDS);
                    sent.add(text);
                    Thread.sleep(20);
                } catch (Exception e) {
                    chatErrors.add(text + ": " + e);
                }
            }
        });

        Random random = new Random(20_000);
        String[] seeds = seeds(attacker, a);
        byte[] login = seeds[1].getBytes(StandardCharsets.UTF_8);
        int reconnects = 0;
        Raw raw = new Raw(port());
        try {
            for (int i = 0; i < FRAMES; i++) {
                if (i % 500 == 0) {
                    raw.frame(Frame.MAGIC, 1, Types.LOGIN, login, login.length);
                }
                byte[] body = mutate(random, seeds);
                int roll = random.nextInt(100);
                try {
                    if (roll == 0) {
                        raw.frame(0x4C50, 1, Types.PING, body, body.length); // a broken magic: closed at once
                    } else if (roll == 1) {
                        raw.frame(Frame.MAGIC, 1, Types.PING, new byte[0], 70_000); // over maxBody: closed
                    } else {
                        int sign = roll < 4 ? 1 + random.nextInt(3) : 1;
                        int type = roll < 10 ? random.nextInt(256) : random.nextInt(38);
                        raw.frame(Frame.MAGIC, sign, type, body, body.length);
                    }
                    if (i % 50 == 0) {
                        raw.out.flush();
                    }
                } catch (IOException closed) {
                    raw.close();
                    raw = new Raw(port());
                    reconnects++;
                }
                if (roll < 2) {
                    raw.out.flush();
                    raw.close();
                    raw = new Raw(port());
                    reconnects++;
                }
            }
            raw.out.flush();
        } finally {
            raw.close();
            attacking.set(false);
        }
        chat.get(120, TimeUnit.SECONDS);

        assertEquals("the calm pair's errors", List.of(), chatErrors);
        awaitTrue("every calm message at b", Duration.ofSeconds(30), () -> atB.size() >= sent.size());
        assertEquals(sent, atB.stream().map(InboxEntry::text).toList());
        assertTrue("the hostile client came back " + reconnects + " times", reconnects > 100);
        sessionA.close();
        sessionB.close();
        long heapAfter = heapAfterGc();
        System.out.println("Heap after GC: " + (heapBefore >> 20) + " MiB before, " + (heapAfter >> 20)
                + " MiB after " + FRAMES + " hostile frames and " + reconnects + " reconnects");
        assertTrue("heap " + (heapBefore >> 20) + " MiB before, " + (heapAfter >> 20) + " MiB after",
                heapAfter < heapBefore + (64L << 20));
    }
}
