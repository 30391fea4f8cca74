package io.parley.itests;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;
import static org.ops4j.pax.exam.cm.ConfigurationAdminOptions.newConfiguration;

import io.parley.api.ParleyException;
import io.parley.api.message.InboxEntry;
import io.parley.api.message.PullResponse;
import io.parley.client.ParleyClient;
import io.parley.protocol.Status;
import io.parley.testkit.exam.ParleyTestSupport;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import javax.inject.Inject;
import org.apache.felix.service.command.CommandProcessor;
import org.junit.Test;
import org.junit.runner.RunWith;
import org.ops4j.pax.exam.Option;
import org.ops4j.pax.exam.junit.PaxExam;
import org.ops4j.pax.exam.spi.reactors.ExamReactorStrategy;
import org.ops4j.pax.exam.spi.reactors.PerClass;
import org.osgi.framework.Bundle;

/**
 * Chaos: ten pairs of users send each other messages without pause while every Parley bundle but api and
 * transport is updated in turn with {@code felix:update}, as an operator ships a fix from the console. A send
 * that is not answered OK is retried with the same cid, as a client does. Afterwards every receiver pulls its
 * whole inbox: every message answered OK is there exactly once, nothing is there twice, and no connection
 * dropped. The answers in the update windows are OK, UNAVAILABLE or UNSUPPORTED, and nothing else.
 */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerClass.class)
public class BundleUpdateIT extends ParleyTestSupport {

    private static final int PAIRS = 10;
    /** Statuses a sender retries on, the same cid again: the service on the path is being replaced. */
    private static final Set<Status> RETRIED = Set.of(Status.UNAVAILABLE, Status.UNSUPPORTED, Status.RATE_LIMITED);
    /** Parley's bundles that this test does not update: the api's packages are wired into every bundle, the
     * transport holds the connections, and the client is the test's own SDK. */
    private static final Set<String> KEPT = Set.of("io.parley.api", "io.parley.transport", "io.parley.client");

    @Inject
    private CommandProcessor console;

    @Override
    protected Option[] extraOptions() {
        return new Option[] {newConfiguration("io.parley.messaging").put("requireFriendship", "false").asOption()};
    }

    /** One sender: sends numbered texts, each until it is answered OK, and remembers which were. */
    private static final class Sender implements Runnable {
        final ParleyClient client;
        final String to;
        final String prefix;
        final List<String> acknowledged = new ArrayList<>();
        final Map<String, Integer> answers = new ConcurrentHashMap<>();
        final AtomicLong lastOkNanos = new AtomicLong();
        final AtomicBoolean stop;
        volatile Throwable failed;

        Sender(ParleyClient client, String to, String prefix, AtomicBoolean stop) {
            this.client = client;
            this.to = to;
            this.prefix = prefix;
            this.stop = stop;
        }

        @Override
        public void run() {
            try {
                for (int n = 0; !stop.get(); n++) {
                    String text = prefix + "-" + n;
                    long giveUp = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
                    while (true) {
                        if (!client.isConnected()) {
                            throw new AssertionError("the connection dropped while sending " + text);
                        }
                        if (System.nanoTime() > giveUp) {
                            throw new AssertionError(text + " was not answered OK within 60 s: " + answers);
                        }
                        Status status = send(text, "c" + n);
                        answers.merge(status.name(), 1, Integer::sum);
                        if (status == Status.OK) {
                            acknowledged.add(text);
                            lastOkNanos.set(System.nanoTime());
                            break;
                        }
                        if (!RETRIED.contains(status) && status != Status.INTERNAL) {
                            throw new AssertionError(text + " answered " + status);
                        }
                        Thread.sleep(20);
                    }
                }
            } catch (Throwable t) {
                failed = t;
            }
        }

        private Status send(String text, String cid) throws InterruptedException {
            try {
                client.sendMessage(to, text, cid).get(15, TimeUnit.SECONDS);
                return Status.OK;
            } catch (ExecutionException e) {
                if (e.getCause() instanceof ParleyException p) {
                    return p.status();
                }
                throw new AssertionError(text + " failed: " + e.getCause(), e.getCause());
            } catch (TimeoutException e) {
                throw new AssertionError(text + " was not answered within 15 s", e);
            }
        }
    }

    /** Every entry of the user's inbox, page by page. */
    private static List<InboxEntry> inbox(ParleyClient c) throws Exception {
        List<InboxEntry> all = new ArrayList<>();
        long after = 0;
        while (true) {
            PullResponse page = await(c.pull(after, 500));
            all.addAll(page.messages());
            if (page.messages().isEmpty()) {
                return all;
            }
            after = page.messages().get(page.messages().size() - 1).seq();
            if (!page.more()) {
                return all;
            }
        }
    }

    @Test
    public void noAcknowledgedMessageIsLostAndNoConnectionDropsWhileEveryBundleIsUpdated() throws Exception {
        awaitServer();
        AtomicBoolean stop = new AtomicBoolean();
        List<Sender> senders = new ArrayList<>();
        List<ParleyClient> receivers = new ArrayList<>();
        List<ParleyClient> everyone = new ArrayList<>();
        for (int i = 0; i < PAIRS; i++) {
            String from = registered("upd-s" + i + "-");
            String to = registered("upd-r" + i + "-");
            ParleyClient sender = client();
            await(sender.login(from, PASSWORD, "pc"));
            ParleyClient receiver = client();
            await(receiver.login(to, PASSWORD, "pc"));
            senders.add(new Sender(sender, to, from, stop));
            receivers.add(receiver);
            everyone.add(sender);
            everyone.add(receiver);
        }
        List<Thread> threads = new ArrayList<>();
        for (Sender s : senders) {
            Thread t = new Thread(s, "sender " + s.prefix);
            t.start();
            threads.add(t);
        }

        Map<String, Long> windows = new HashMap<>();
        try {
            for (Bundle bundle : context.getBundles()) {
                String name = bundle.getSymbolicName();
                if (name == null || !name.startsWith("io.parley.") || KEPT.contains(name)) {
                    continue;
                }
                Thread.sleep(300); // traffic before the update
                long started = System.nanoTime();
                Console.run(console, "felix:update " + bundle.getBundleId());
                assertEquals(name + " is active again", Bundle.ACTIVE, bundle.getState());
                // The window: until every sender has been answered OK again.
                awaitTrue("every sender to be answered OK after updating " + name, java.time.Duration.ofSeconds(30),
                        () -> senders.stream().allMatch(s -> s.lastOkNanos.get() > started || s.failed != null));
                long window = (System.nanoTime() - started) / 1_000_000;
                windows.put(name, window);
                System.out.println("Updated " + name + ": every sender answered OK again after " + window + " ms");
            }
            Thread.sleep(300);
        } finally {
            stop.set(true);
            for (Thread t : threads) {
                t.join(30_000);
            }
        }

        Map<String, Integer> answers = new HashMap<>();
        for (Sender s : senders) {
            if (s.failed != null) {
                throw new AssertionError("sender " + s.prefix + " failed", s.failed);
            }
            s.answers.forEach((status, count) -> answers.merge(status, count, Integer::sum));
        }
        System.out.println("Answers to every send: " + answers + "; windows (ms): " + windows);
        assertTrue("updated " + windows.keySet(), windows.keySet().containsAll(Set.of("io.parley.serialization",
                "io.parley.accounts", "io.parley.messaging", "io.parley.storage.log", "io.parley.storage.jdbc")));
        assertEquals("answers other than OK, UNAVAILABLE, UNSUPPORTED or RATE_LIMITED: " + answers,
                null, answers.get(Status.INTERNAL.name()));

        for (ParleyClient c : everyone) {
            assertTrue("a connection dropped during the updates", c.isConnected());
        }
        int total = 0;
        for (int i = 0; i < PAIRS; i++) {
            Sender s = senders.get(i);
            Map<String, Integer> seen = new HashMap<>();
            for (InboxEntry e : inbox(receivers.get(i))) {
                seen.merge(e.text(), 1, Integer::sum);
            }
            for (Map.Entry<String, Integer> e : seen.entrySet()) {
                assertEquals("shown more than once: " + e.getKey(), Integer.valueOf(1), e.getValue());
            }
            for (String text : s.acknowledged) {
                assertTrue("answered OK but lost: " + text, seen.containsKey(text));
            }
            total += s.acknowledged.size();
        }
        System.out.println(total + " messages answered OK, every one delivered once");
        assertTrue("the senders kept sending: " + total, total > PAIRS * windows.size());
    }
}
