package io.parley.itests;

import static io.parley.itests.AccountsIT.statusOf;
import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;
import static org.ops4j.pax.exam.cm.ConfigurationAdminOptions.newConfiguration;

import io.parley.api.account.LoginResponse;
import io.parley.api.message.InboxEntry;
import io.parley.api.message.SendResponse;
import io.parley.client.ParleyClient;
import io.parley.client.ParleySession;
import io.parley.protocol.Frame;
import io.parley.protocol.Status;
import io.parley.protocol.Types;
import io.parley.testkit.exam.ParleyTestSupport;
import io.parley.testkit.wire.WireClient;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.Collectors;
import java.util.stream.LongStream;
import org.junit.After;
import org.junit.Before;
import org.junit.Test;
import org.junit.runner.RunWith;
import org.ops4j.pax.exam.Option;
import org.ops4j.pax.exam.junit.PaxExam;
import org.ops4j.pax.exam.spi.reactors.ExamReactorStrategy;
import org.ops4j.pax.exam.spi.reactors.PerClass;

/**
 * The inbox end to end: store first, notify, pull, ack; online and offline; several devices; many
 * senders; resends. Friendship is switched off here; FriendsIT covers messaging between friends only.
 */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerClass.class)
public class MessagingIT extends ParleyTestSupport {

    private final List<ParleySession> sessions = new ArrayList<>();

    @Override
    protected Option[] extraOptions() {
        return new Option[] {newConfiguration("io.parley.messaging").put("requireFriendship", "false").asOption()};
    }

    @Before
    public void serverUp() throws Exception {
        awaitServer();
    }

    @After
    public void closeSessions() {
        sessions.forEach(ParleySession::close);
    }

    /** A logged-in session whose entries are collected in the returned list. */
    private ParleySession session(String user, String device, List<InboxEntry> into) throws Exception {
        ParleySession s = await(ParleySession.login("127.0.0.1", port(), user, PASSWORD, device, SDK_OPTIONS, into::add));
        sessions.add(s);
        return s;
    }

    private static void awaitCount(List<?> list, int n) throws InterruptedException {
        awaitTrue(n + " entries (have " + list.size() + ")", Duration.ofSeconds(60), () -> list.size() >= n);
    }

    private static void assertSeqs(List<InboxEntry> entries, long from, long to) {
        assertEquals(LongStream.rangeClosed(from, to).boxed().toList(), entries.stream().map(InboxEntry::seq).toList());
    }

    @Test
    public void onlineReceiverGetsAThousandMessagesInOrderOnce() throws Exception {
        String a = registered("on-a");
        String b = registered("on-b");
        List<InboxEntry> atB = new CopyOnWriteArrayList<>();
        session(b, "pc", atB);
        ParleySession sender = session(a, "pc", new CopyOnWriteArrayList<>());
        List<CompletableFuture<Long>> sent = new ArrayList<>();
        for (int i = 0; i < 1000; i++) {
            sent.add(sender.send(b, "m" + i));
        }
        Set<Long> ids = new HashSet<>();
        for (CompletableFuture<Long> f : sent) {
            ids.add(await(f));
        }
        assertEquals("every send got its own msgId", 1000, ids.size());
        awaitCount(atB, 1000);
        Thread.sleep(300);
        assertEquals("no entry twice", 1000, atB.size());
        assertSeqs(atB, 1, 1000);
        for (int i = 0; i < 1000; i++) {
            InboxEntry e = atB.get(i);
            assertEquals("m" + i, e.text());
            assertEquals(a, e.from());
            assertEquals(b, e.to());
            assertEquals(InboxEntry.MSG, e.kind());
        }
    }

    @Test
    public void offlineReceiverGetsEverythingAtLoginAndNothingAfterAck() throws Exception {
        String a = registered("off-a");
        String b = registered("off-b");
        ParleySession sender = session(a, "pc", new CopyOnWriteArrayList<>());
        List<CompletableFuture<Long>> sent = new ArrayList<>();
        for (int i = 0; i < 500; i++) {
            sent.add(sender.send(b, "offline " + i));
        }
        for (CompletableFuture<Long> f : sent) {
            await(f);
        }
        List<InboxEntry> atB = new CopyOnWriteArrayList<>();
        ParleySession receiver = session(b, "phone", atB);
        awaitCount(atB, 500);
        assertSeqs(atB, 1, 500);
        assertEquals("offline 499", atB.get(499).text());

        ParleyClient check = client();
        awaitTrue("the ack to reach the server", Duration.ofSeconds(10), () -> {
            try {
                return await(check.login(b, PASSWORD, "phone")).acked() == 500;
            } catch (Exception e) {
                throw new AssertionError(e);
            }
        });
        assertTrue("a pull after the acked seq returns nothing", await(check.pull(500, null)).messages().isEmpty());
        assertEquals(500, receiver.delivered());
    }

    @Test
    public void twoDevicesEachGetEverythingWithTheirOwnCursors() throws Exception {
        String a = registered("dev-a");
        String b = registered("dev-b");
        List<InboxEntry> pc = new CopyOnWriteArrayList<>();
        List<InboxEntry> ios = new CopyOnWriteArrayList<>();
        session(b, "pc", pc);
        ParleySession phone = session(b, "ios", ios);
        List<InboxEntry> senderSide = new CopyOnWriteArrayList<>();
        ParleySession sender = session(a, "pc", senderSide);
        for (int i = 0; i < 20; i++) {
            await(sender.send(b, "both " + i));
        }
        awaitCount(pc, 20);
        awaitCount(ios, 20);
        assertEquals(pc, ios);
        awaitCount(senderSide, 20);
        assertEquals("the sender's own devices see what it sent", "both 19", senderSide.get(19).text());

        phone.close();
        for (int i = 0; i < 5; i++) {
            await(sender.send(b, "pc only " + i));
        }
        awaitCount(pc, 25);
        ParleyClient check = client();
        LoginResponse pcCursor = await(check.login(b, PASSWORD, "web"));
        assertEquals(25, pcCursor.seq());
        assertEquals("a new device starts at 0", 0, pcCursor.acked());
        LoginResponse iosCursor = await(client().login(b, PASSWORD, "ios"));
        assertEquals("ios acked only what it held", 20, iosCursor.acked());
    }

    @Test
    public void anotherLoginOnTheSameDeviceStopsTheOldSession() throws Exception {
        String b = registered("kick");
        ParleySession first = session(b, "pc", new CopyOnWriteArrayList<>());
        session(b, "pc", new CopyOnWriteArrayList<>());
        awaitTrue("the first session to be kicked", Duration.ofSeconds(10), () -> first.stopReason() != null);
        assertTrue(first.stopReason().startsWith("kicked"));
    }

    @Test
    public void twentySendersToOneReceiverMakeFourThousandGaplessEntries() throws Exception {
        String b = registered("many-b");
        List<ParleySession> senders = new ArrayList<>();
        List<String> names = new ArrayList<>();
        for (int s = 0; s < 20; s++) {
            String name = registered("many" + s + "-");
            names.add(name);
            senders.add(session(name, "pc", new CopyOnWriteArrayList<>()));
        }
        List<CompletableFuture<Long>> sent = new ArrayList<>();
        for (int i = 0; i < 200; i++) {
            for (int s = 0; s < 20; s++) {
                sent.add(senders.get(s).send(b, names.get(s) + " " + i));
            }
        }
        for (CompletableFuture<Long> f : sent) {
            await(f);
        }
        List<InboxEntry> atB = new CopyOnWriteArrayList<>();
        session(b, "pc", atB);
        awaitCount(atB, 4000);
        assertSeqs(atB, 1, 4000);
        assertEquals(4000, atB.stream().map(InboxEntry::msgId).collect(Collectors.toSet()).size());
        Map<String, List<Integer>> perSender = new HashMap<>();
        for (InboxEntry e : atB) {
            perSender.computeIfAbsent(e.from(), k -> new ArrayList<>())
                    .add(Integer.parseInt(e.text().substring(e.text().indexOf(' ') + 1)));
        }
        for (List<Integer> order : perSender.values()) {
            assertEquals("each sender's messages keep their order", LongStream.range(0, 200).boxed()
                    .map(Long::intValue).toList(), order);
        }
    }

    @Test
    public void aResendWithTheSameCidAfterADroppedConnectionIsStoredOnce() throws Exception {
        String a = registered("cid-a");
        String b = registered("cid-b");
        ParleyClient first = client();
        LoginResponse login = await(first.login(a, PASSWORD, "pc"));
        first.sendMessage(b, "exactly once", "cid-42");
        first.close();

        ParleyClient again = client();
        await(again.resume(login.token(), "pc"));
        SendResponse retried = await(again.sendMessage(b, "exactly once", "cid-42"));
        SendResponse third = await(again.sendMessage(b, "exactly once", "cid-42"));
        assertEquals(retried.msgId(), third.msgId());
        assertEquals(retried.ts(), third.ts());

        ParleyClient receiver = client();
        await(receiver.login(b, PASSWORD, "pc"));
        List<InboxEntry> inbox = await(receiver.pull(0, null)).messages();
        assertEquals(1, inbox.size());
        assertEquals(retried.msgId(), inbox.get(0).msgId());
    }

    @Test
    public void historyIsTheConversationNewestFirstInPages() throws Exception {
        String a = registered("his-a");
        String b = registered("his-b");
        String c = registered("his-c");
        ParleyClient ca = client();
        await(ca.login(a, PASSWORD, "pc"));
        ParleyClient cb = client();
        await(cb.login(b, PASSWORD, "pc"));
        for (int i = 0; i < 5; i++) {
            await(ca.sendMessage(b, "a" + i, "h" + i));
            await(cb.sendMessage(a, "b" + i, "h" + i));
        }
        await(ca.sendMessage(c, "not in a-b", "other"));
        List<InboxEntry> page1 = await(ca.history(b, null, 4));
        assertEquals(List.of("b4", "a4", "b3", "a3"), page1.stream().map(InboxEntry::text).toList());
        List<InboxEntry> page2 = await(ca.history(b, page1.get(3).seq(), 100));
        assertEquals(List.of("b2", "a2", "b1", "a1", "b0", "a0"), page2.stream().map(InboxEntry::text).toList());
        assertEquals(List.of("b4", "a4"), await(cb.history(a, null, 2)).stream().map(InboxEntry::text).toList());
        assertTrue("b has no conversation with c", await(cb.history(c, null, null)).isEmpty());
    }

    @Test
    public void anAckSentRightBehindASendWaitsForTheSend() throws Exception {
        // The message log answers acks on the network thread, but never before the requests ahead of them.
        String a = registered("pipe-a");
        String b = registered("pipe-b");
        try (WireClient c = new WireClient(port())) {
            assertEquals(0, WireClient.json(c.login(a, PASSWORD, "pc")).get("seq").getAsLong());
            c.pipeline(Types.MSG_SEND, "{\"id\":\"s\",\"to\":\"" + b + "\",\"text\":\"hi\",\"cid\":\"p1\"}",
                    Types.MSG_ACK, "{\"id\":\"k\",\"seq\":1}");
            Frame sent = c.response();
            Frame acked = c.response();
            assertEquals("s", WireClient.json(sent).get("id").getAsString());
            assertEquals(Status.OK.code(), sent.status());
            assertEquals(acked.bodyText(), Status.OK.code(), acked.status());
        }
        try (ParleyClient c = client()) {
            LoginResponse login = await(c.login(a, PASSWORD, "pc"));
            assertEquals(1, login.seq());
            assertEquals(1, login.acked());
        }
    }

    @Test
    public void badMessagingInputGetsAStatusAndTheConnectionLives() throws Exception {
        String a = registered("bad-a");
        String b = registered("bad-b");
        ParleyClient c = client();
        await(c.login(a, PASSWORD, "pc"));
        assertEquals(Status.NOT_FOUND, statusOf(c.sendMessage(unique("nobody"), "hi", "1")));
        assertEquals(Status.BAD_REQUEST, statusOf(c.sendMessage(b, "", "2")));
        assertEquals(Status.BAD_REQUEST, statusOf(c.sendMessage(b, "x".repeat(4097), "3")));
        await(c.sendMessage(b, "😀".repeat(4096), "4"));
        assertEquals(Status.BAD_REQUEST, statusOf(c.sendMessage(b, "hi", "")));
        assertEquals(Status.BAD_REQUEST, statusOf(c.sendMessage(b, "hi", "c".repeat(65))));
        assertEquals(Status.BAD_REQUEST, statusOf(c.sendMessage(a, "me", "5")));
        assertEquals(Status.BAD_REQUEST, statusOf(c.request(Types.MSG_SEND, Map.of("to", b, "text", "no cid"))));
        assertEquals(Status.BAD_REQUEST, statusOf(c.pull(-1, null)));
        assertEquals(Status.BAD_REQUEST, statusOf(c.pull(0, 501)));
        assertEquals(Status.BAD_REQUEST, statusOf(c.pull(0, 0)));
        assertEquals(500, await(c.pull(0, 500)).messages().size() + 499);
        assertEquals(Status.BAD_REQUEST, statusOf(c.ack(2)));
        assertEquals(Status.BAD_REQUEST, statusOf(c.ack(-1)));
        await(c.ack(1));
        assertEquals(Status.BAD_REQUEST, statusOf(c.request(Types.HISTORY, Map.of())));
        assertEquals(Status.BAD_REQUEST, statusOf(c.request(Types.HISTORY, Map.of("with", b, "group", 1))));
        assertEquals(Status.NOT_FOUND, statusOf(c.history(unique("nobody"), null, null)));
        assertEquals(Status.BAD_REQUEST, statusOf(c.history(b, 0L, null)));
        await(c.ping());
    }

    @Test
    public void theLongestTextsComeInPagesThatFitAFrameAndANewDeviceSyncsThemAll() throws Exception {
        // 4,096 characters that JSON writes as six bytes each: two entries fill a frame of 64 KiB.
        String a = registered("big-a");
        String b = registered("big-b");
        String text = "\u0001".repeat(4090);
        ParleyClient sender = client();
        await(sender.login(a, PASSWORD, "pc"));
        int n = 40;
        for (int i = 0; i < n; i++) {
            await(sender.sendMessage(b, text + String.format("%06d", i), "big" + i));
        }
        try (WireClient c = new WireClient(port())) {
            assertEquals(Status.OK.code(), c.login(b, PASSWORD, "wire").status());
            long after = 0;
            List<String> texts = new ArrayList<>();
            for (boolean more = true; more; ) {
                c.request(Types.MSG_PULL, "{\"id\":\"p" + after + "\",\"after\":" + after + ",\"limit\":500}");
                Frame page = c.response();
                assertEquals(page.bodyText(), Status.OK.code(), page.status());
                assertTrue("a frame of " + page.body().length + " bytes", page.body().length <= Frame.DEFAULT_MAX_BODY);
                var body = WireClient.json(page);
                var entries = body.getAsJsonArray("messages");
                assertTrue("every page holds at least one entry", entries.size() > 0);
                for (var e : entries) {
                    texts.add(e.getAsJsonObject().get("text").getAsString());
                    after = e.getAsJsonObject().get("seq").getAsLong();
                }
                more = body.get("more").getAsBoolean();
            }
            assertEquals(n, texts.size());
            for (int i = 0; i < n; i++) {
                assertEquals(text + String.format("%06d", i), texts.get(i));
            }

            Set<String> older = new HashSet<>();
            Long before = null;
            for (boolean more = true; more; ) {
                c.request(Types.HISTORY, "{\"id\":\"h\",\"with\":\"" + a + "\",\"limit\":500"
                        + (before == null ? "" : ",\"before\":" + before) + "}");
                Frame page = c.response();
                assertTrue(page.body().length <= Frame.DEFAULT_MAX_BODY);
                var body = WireClient.json(page);
                for (var e : body.getAsJsonArray("messages")) {
                    assertTrue("history shows each entry once", older.add(e.getAsJsonObject().get("text").getAsString()));
                    before = e.getAsJsonObject().get("seq").getAsLong();
                }
                more = body.get("more").getAsBoolean();
            }
            assertEquals(n, older.size());
        }
        List<InboxEntry> onPhone = new CopyOnWriteArrayList<>();
        session(b, "phone", onPhone);
        awaitCount(onPhone, n);
        assertSeqs(onPhone, 1, n);
    }

    @Test
    public void pipelinedMixesOfRequestsAreAnsweredInOrderThousandsOfTimes() throws Exception {
        String a = registered("order-a");
        String b = registered("order-b");
        try (WireClient c = new WireClient(port())) {
            assertEquals(Status.OK.code(), c.login(a, PASSWORD, "pc").status());
            int seq = 0;
            for (int round = 0; round < 150; round++) {
                // Within the test server's 64 waiting requests: send, ack, pull, ping, profile, in turn.
                List<String> ids = new ArrayList<>();
                List<Object> batch = new ArrayList<>();
                for (int i = 0; i < 4; i++) {
                    String k = round + "-" + i;
                    seq++;
                    batch.addAll(List.of(Types.MSG_SEND, "{\"id\":\"s" + k + "\",\"to\":\"" + b
                            + "\",\"text\":\"t\",\"cid\":\"c" + k + "\"}"));
                    batch.addAll(List.of(Types.MSG_ACK, "{\"id\":\"a" + k + "\",\"seq\":" + seq + "}"));
                    batch.addAll(List.of(Types.PING, "{\"id\":\"p" + k + "\"}"));
                    batch.addAll(List.of(Types.MSG_PULL, "{\"id\":\"u" + k + "\",\"after\":" + seq + "}"));
                    batch.addAll(List.of(Types.PROFILE_GET, "{\"id\":\"g" + k + "\",\"username\":\"" + b + "\"}"));
                    ids.addAll(List.of("s" + k, "a" + k, "p" + k, "u" + k, "g" + k));
                }
                c.pipeline(batch.toArray());
                for (String id : ids) {
                    Frame r = c.response();
                    assertEquals("answers out of order in round " + round, id, WireClient.json(r).get("id").getAsString());
                    assertEquals(r.bodyText(), Status.OK.code(), r.status());
                }
            }
        }
    }
}
