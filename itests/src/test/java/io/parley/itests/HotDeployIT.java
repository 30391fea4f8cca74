package io.parley.itests;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;

import io.netty.channel.nio.NioEventLoopGroup;
import io.parley.api.ParleyException;
import io.parley.api.message.InboxEntry;
import io.parley.api.message.PullResponse;
import io.parley.client.ParleyClient;
import io.parley.client.ParleyClientOptions;
import io.parley.protocol.Status;
import io.parley.protocol.Types;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;
import java.util.zip.ZipOutputStream;
import org.junit.After;
import org.junit.Test;

/**
 * Hot deploy as an operator does it, on the real distribution: the QQ feature jar is copied into deploy/,
 * replaced by a newer jar, and removed, while 50 clients keep sending. No connection drops, no answered
 * message is lost, and the rules apply and go within 5 s.
 */
public class HotDeployIT {

    private static final int SENDERS = 50;
    private static final ParleyClientOptions OPTIONS = ParleyClientOptions.defaults().withRequestTimeout(Duration.ofSeconds(10));

    private Distribution dist;
    private NioEventLoopGroup loop;
    private final List<ParleyClient> clients = new ArrayList<>();

    @After
    public void tearDown() throws Exception {
        clients.forEach(ParleyClient::close);
        if (loop != null) {
            loop.shutdownGracefully(0, 1, TimeUnit.SECONDS);
        }
        if (dist != null) {
            dist.close();
        }
    }

    private ParleyClient login(String user) throws Exception {
        ParleyClient c = ParleyClient.connect("127.0.0.1", dist.port, OPTIONS.withEventLoop(loop)).get(10, TimeUnit.SECONDS);
        clients.add(c);
        c.login(user, "password-1", "pc").get(10, TimeUnit.SECONDS);
        return c;
    }

    private static Status status(CompletableFuture<?> call) throws Exception {
        try {
            call.get(10, TimeUnit.SECONDS);
            return Status.OK;
        } catch (ExecutionException e) {
            return ((ParleyException) e.getCause()).status();
        }
    }

    /** Milliseconds until the condition held, polling every 50 ms; fails after the limit. */
    private long millisUntil(String what, long limitMs, Check check) throws Exception {
        long start = System.nanoTime();
        while (!check.holds()) {
            long elapsed = (System.nanoTime() - start) / 1_000_000;
            if (elapsed > limitMs) {
                throw new AssertionError(what + " did not happen within " + limitMs + " ms");
            }
            Thread.sleep(50);
        }
        return (System.nanoTime() - start) / 1_000_000;
    }

    private interface Check {
        boolean holds() throws Exception;
    }

    /** Copies into deploy/ in one move, as an operator's cp to a temporary name and mv would. */
    private void deploy(Path jar) throws Exception {
        Path tmp = dist.home.resolve("qq.jar.tmp");
        Files.copy(jar, tmp, StandardCopyOption.REPLACE_EXISTING);
        Files.move(tmp, dist.home.resolve("deploy/qq-group-rules.jar"), StandardCopyOption.REPLACE_EXISTING,
                StandardCopyOption.ATOMIC_MOVE);
    }

    /** The same bundle with one extra file: a newer jar, as a rebuilt feature would be. */
    private Path newerJar(Path jar) throws Exception {
        Path out = dist.home.resolve("qq-newer.jar");
        try (ZipInputStream in = new ZipInputStream(Files.newInputStream(jar));
                ZipOutputStream zip = new ZipOutputStream(Files.newOutputStream(out))) {
            for (ZipEntry e; (e = in.getNextEntry()) != null; ) {
                zip.putNextEntry(new ZipEntry(e.getName()));
                in.transferTo(zip);
                zip.closeEntry();
            }
            zip.putNextEntry(new ZipEntry("build-marker.txt"));
            zip.write(Long.toString(System.nanoTime()).getBytes());
            zip.closeEntry();
        }
        return out;
    }

    @Test
    public void deployUpdateAndRemoveWhileFiftyClientsSend() throws Exception {
        dist = new Distribution();
        dist.setConfig("io.parley.messaging", "requireFriendship", "false");
        dist.setConfig("io.parley.accounts", "pbkdf2Iterations", "10000");
        // Fifty-two accounts from 127.0.0.1, beyond the default ten per address and hour.
        dist.setConfig("io.parley.accounts", "maxRegistrationsPerAddress", "0");
        dist.start();
        loop = new NioEventLoopGroup(2);

        try (ParleyClient setup = ParleyClient.connect("127.0.0.1", dist.port).get(10, TimeUnit.SECONDS)) {
            for (String name : List.of("hd_owner", "hd_victim")) {
                setup.register(name, "password-1", null).get(10, TimeUnit.SECONDS);
            }
            for (int i = 0; i < SENDERS; i++) {
                setup.register("hd_sender" + i, "password-1", null).get(10, TimeUnit.SECONDS);
            }
        }
        ParleyClient owner = login("hd_owner");
        ParleyClient victim = login("hd_victim");
        long groupId = owner.createGroup("hot", List.of("hd_victim")).get(10, TimeUnit.SECONDS);

        Map<Long, Boolean> answered = new ConcurrentHashMap<>();
        List<Throwable> failures = new ArrayList<>();
        AtomicBoolean running = new AtomicBoolean(true);
        List<ParleyClient> senders = new ArrayList<>();
        List<CompletableFuture<Void>> loops = new ArrayList<>();
        for (int i = 0; i < SENDERS; i++) {
            ParleyClient c = login("hd_sender" + i);
            senders.add(c);
            CompletableFuture<Void> done = new CompletableFuture<>();
            loops.add(done);
            sendLoop(c, "s" + i + "-", 0, running, answered, failures, done);
        }
        Thread.sleep(1000);

        Path jar = dist.home.resolve("features/qq-group-rules.jar");
        deploy(jar);
        long applied = millisUntil("the feature to answer", 5000,
                () -> status(owner.request(Types.GROUP_MUTE, Map.of("groupId", groupId, "username", "hd_victim",
                        "seconds", 600))) == Status.OK);
        assertEquals(Status.FORBIDDEN, status(victim.sendToGroup(groupId, "muted?", "v1")));

        deploy(newerJar(jar));
        Thread.sleep(3000);
        millisUntil("the updated feature to answer", 5000,
                () -> status(owner.request(Types.GROUP_MUTE_ALL, Map.of("groupId", groupId, "on", false))) == Status.OK);
        assertEquals("the mute outlives the update", Status.FORBIDDEN, status(victim.sendToGroup(groupId, "still?", "v2")));

        Files.delete(dist.home.resolve("deploy/qq-group-rules.jar"));
        long reverted = millisUntil("the rules to go", 5000,
                () -> status(victim.sendToGroup(groupId, "free", "v3")) == Status.OK);
        millisUntil("the feature's types to answer UNSUPPORTED", 5000,
                () -> status(owner.request(Types.GROUP_MUTE, Map.of("groupId", groupId))) == Status.UNSUPPORTED);

        running.set(false);
        CompletableFuture.allOf(loops.toArray(CompletableFuture[]::new)).get(20, TimeUnit.SECONDS);
        assertEquals("no send failed: " + failures, List.of(), failures);
        for (ParleyClient c : senders) {
            assertTrue("no connection dropped", c.isConnected());
        }
        assertTrue(owner.isConnected() && victim.isConnected());

        List<InboxEntry> inbox = new ArrayList<>();
        PullResponse page;
        do {
            page = owner.pull(inbox.size(), 500).get(10, TimeUnit.SECONDS);
            inbox.addAll(page.messages());
        } while (page.more());
        Set<Long> seen = new HashSet<>();
        for (InboxEntry e : inbox) {
            assertTrue("each entry once", seen.add(e.msgId()));
        }
        for (long msgId : answered.keySet()) {
            assertTrue("answered message " + msgId + " is in the inbox", seen.contains(msgId));
        }
        assertTrue("messages kept flowing: " + answered.size(), answered.size() > SENDERS * 10);
        System.out.printf("hot deploy: rules applied %d ms after the copy, reverted %d ms after the removal; "
                + "%d messages answered meanwhile%n", applied, reverted, answered.size());
    }

    /** Sends one message after another on the connection, 5 a second, until told to stop. */
    private void sendLoop(ParleyClient c, String prefix, int n, AtomicBoolean running, Map<Long, Boolean> answered,
            List<Throwable> failures, CompletableFuture<Void> done) {
        if (!running.get()) {
            done.complete(null);
            return;
        }
        c.sendMessage("hd_owner", prefix + n, prefix + n).whenComplete((r, e) -> {
            if (e != null) {
                synchronized (failures) {
                    failures.add(e);
                }
                done.complete(null);
                return;
            }
            answered.put(r.msgId(), true);
            loop.schedule(() -> sendLoop(c, prefix, n + 1, running, answered, failures, done), 200, TimeUnit.MILLISECONDS);
        });
    }
}
