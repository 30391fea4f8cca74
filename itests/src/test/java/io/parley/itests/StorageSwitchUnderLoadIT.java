package io.parley.itests;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertTrue;
import static org.ops4j.pax.exam.cm.ConfigurationAdminOptions.newConfiguration;

import io.parley.api.message.InboxEntry;
import io.parley.api.message.PullResponse;
import io.parley.client.ParleyClient;
import io.parley.testkit.exam.ParleyTestSupport;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.Hashtable;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import javax.inject.Inject;
import org.junit.Test;
import org.junit.runner.RunWith;
import org.ops4j.pax.exam.Option;
import org.ops4j.pax.exam.junit.PaxExam;
import org.ops4j.pax.exam.spi.reactors.ExamReactorStrategy;
import org.ops4j.pax.exam.spi.reactors.PerClass;
import org.osgi.service.cm.Configuration;
import org.osgi.service.cm.ConfigurationAdmin;

/**
 * The storage switch flipped from the message log to the database and back while SDK clients keep sending: no
 * connection drops, a send either gets OK or UNAVAILABLE (and its retry, with the same cid, an OK), and every
 * message answered OK is in the store that answered it, once.
 */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerClass.class)
public class StorageSwitchUnderLoadIT extends ParleyTestSupport {

    private static final int SENDERS = 4;

    @Inject
    private ConfigurationAdmin configurationAdmin;

    @Override
    protected Option[] extraOptions() {
        return new Option[] {newConfiguration("io.parley.messaging").put("requireFriendship", "false").asOption()};
    }

    private void choose(Configuration storage, String messages) throws Exception {
        Hashtable<String, Object> props = new Hashtable<>();
        props.put("messages", messages);
        props.put("cache", "none");
        storage.update(props);
        awaitTrue("the " + messages + " store to serve", Duration.ofSeconds(30), () -> messages.equals(store()));
    }

    /** Every entry of the inbox, page by page. */
    private static List<InboxEntry> everything(ParleyClient c) throws Exception {
        List<InboxEntry> all = new ArrayList<>();
        long after = 0;
        while (true) {
            long from = after;
            PullResponse page = whenReady(() -> c.pull(from, 500));
            all.addAll(page.messages());
            if (page.messages().isEmpty() || !page.more()) {
                return all;
            }
            after = page.messages().get(page.messages().size() - 1).seq();
        }
    }

    @Test
    public void switchingUnderLoadLosesNoAnsweredMessageAndDropsNoConnection() throws Exception {
        awaitServer();
        assertEquals("log", store());
        String reader = registered("reader");
        List<ParleyClient> senders = new ArrayList<>();
        for (int i = 0; i < SENDERS; i++) {
            String name = registered("sender");
            ParleyClient c = client();
            loginWhenReady(c, name, PASSWORD, "pc");
            senders.add(c);
        }
        Map<String, Long> answered = new ConcurrentHashMap<>();
        AtomicBoolean sending = new AtomicBoolean(true);
        ExecutorService pool = Executors.newFixedThreadPool(SENDERS);
        List<Future<Integer>> work = new ArrayList<>();
        for (int s = 0; s < SENDERS; s++) {
            ParleyClient c = senders.get(s);
            int sender = s;
            work.add(pool.submit(() -> {
                int sent = 0;
                for (int i = 0; sending.get(); i++) {
                    String text = "s" + sender + "-" + i;
                    // UNAVAILABLE while the switch rebinds: the same cid again, as the SDK's users do.
                    answered.put(text, whenReady(() -> c.sendMessage(reader, text, text)).msgId());
                    sent++;
                }
                return sent;
            }));
        }
        Configuration storage = configurationAdmin.getConfiguration("io.parley.storage", "?");
        Thread.sleep(1000);
        choose(storage, "jdbc");
        Thread.sleep(1000);
        choose(storage, "log");
        Thread.sleep(1000);
        sending.set(false);
        int sent = 0;
        for (Future<Integer> f : work) {
            sent += f.get(60, TimeUnit.SECONDS);
        }
        pool.shutdown();
        assertTrue("the senders kept going: " + sent, sent > 3 * SENDERS);
        for (ParleyClient c : senders) {
            assertFalse("no connection dropped", c.closeFuture().isDone());
        }

        ParleyClient r = client();
        loginWhenReady(r, reader, PASSWORD, "pc");
        List<InboxEntry> inLog = everything(r);
        choose(storage, "jdbc");
        List<InboxEntry> inDb = everything(r);
        Set<String> seen = new HashSet<>();
        for (InboxEntry e : inLog) {
            assertTrue("stored once: " + e.text(), seen.add(e.text()));
        }
        for (InboxEntry e : inDb) {
            assertTrue("stored once, in one store: " + e.text(), seen.add(e.text()));
        }
        assertEquals("every message answered OK is in the store that answered it", answered.keySet(), seen);
        assertFalse("both stores took messages", inLog.isEmpty() || inDb.isEmpty());
        for (ParleyClient c : senders) {
            assertFalse("no connection dropped", c.closeFuture().isDone());
        }
        choose(storage, "log");
    }
}
