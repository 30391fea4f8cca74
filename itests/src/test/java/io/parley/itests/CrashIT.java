package io.parley.itests;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;

import io.parley.api.message.InboxEntry;
import io.parley.api.message.PullResponse;
import io.parley.api.message.SendResponse;
import io.parley.client.ParleyClient;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.After;
import org.junit.Test;

/**
 * The server process is killed with SIGKILL while messages flow. After a restart every message whose
 * MSG_SEND was answered OK is in the receiver's inbox once, and a resend of the one in flight is stored once.
 */
public class CrashIT {

    private Distribution dist;

    @After
    public void tearDown() throws Exception {
        if (dist != null) {
            dist.close();
        }
    }

    private ParleyClient connect() throws Exception {
        return ParleyClient.connect("127.0.0.1", dist.port).get(10, TimeUnit.SECONDS);
    }

    @Test
    public void everyAnsweredMessageSurvivesAKill9() throws Exception {
        dist = new Distribution();
        dist.setConfig("io.parley.messaging", "requireFriendship", "false");
        dist.setConfig("io.parley.accounts", "pbkdf2Iterations", "10000");
        dist.start();
        try (ParleyClient setup = connect()) {
            setup.register("crash_a", "password-1", null).get(10, TimeUnit.SECONDS);
            setup.register("crash_b", "password-1", null).get(10, TimeUnit.SECONDS);
        }

        Map<Integer, Long> answered = new ConcurrentHashMap<>();
        AtomicInteger attempted = new AtomicInteger(-1);
        Thread sender = new Thread(() -> {
            try (ParleyClient a = connect()) {
                a.login("crash_a", "password-1", "pc").get(10, TimeUnit.SECONDS);
                for (int i = 0; ; i++) {
                    attempted.set(i);
                    SendResponse r = a.sendMessage("crash_b", "crash " + i, "c" + i).get(10, TimeUnit.SECONDS);
                    answered.put(i, r.msgId());
                }
            } catch (Exception e) {
                // The server died under us: that is the point.
            }
        });
        sender.start();
        dist.awaitTrue("messages to flow", java.time.Duration.ofSeconds(30), () -> answered.size() >= 300);
        dist.kill();
        sender.join(20_000);
        int inFlight = attempted.get();
        assertTrue("the kill stopped the sender", inFlight >= 300);

        dist.start();
        try (ParleyClient a = connect(); ParleyClient b = connect()) {
            a.login("crash_a", "password-1", "pc").get(10, TimeUnit.SECONDS);
            SendResponse resent = a.sendMessage("crash_b", "crash " + inFlight, "c" + inFlight).get(10, TimeUnit.SECONDS);
            SendResponse again = a.sendMessage("crash_b", "crash " + inFlight, "c" + inFlight).get(10, TimeUnit.SECONDS);
            assertEquals("dedupe by cid holds across the restart", resent.msgId(), again.msgId());

            b.login("crash_b", "password-1", "pc").get(10, TimeUnit.SECONDS);
            List<InboxEntry> inbox = new ArrayList<>();
            PullResponse page;
            do {
                page = b.pull(inbox.size(), 500).get(10, TimeUnit.SECONDS);
                inbox.addAll(page.messages());
            } while (page.more());

            Set<String> texts = new HashSet<>();
            for (int i = 0; i < inbox.size(); i++) {
                assertEquals("seq without gaps", i + 1, inbox.get(i).seq());
                assertTrue("no message twice: " + inbox.get(i).text(), texts.add(inbox.get(i).text()));
            }
            for (Map.Entry<Integer, Long> ok : answered.entrySet()) {
                assertTrue("message " + ok.getKey() + " was answered OK before the kill, so it is there",
                        texts.contains("crash " + ok.getKey()));
            }
            assertEquals("everything answered, plus at most the one in flight, which the resend stored once",
                    inFlight + 1, inbox.size());
            for (int i = 0; i < inbox.size(); i++) {
                assertEquals("in the order sent", "crash " + i, inbox.get(i).text());
            }
            assertTrue("the distribution's default message store, the message log, held them",
                    java.nio.file.Files.size(dist.home.resolve("data/messages/00000000000000000000.log")) > 0);
        }
    }
}
