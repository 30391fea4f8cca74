package io.parley.testkit.load;

import io.parley.api.ParleyException;
import io.parley.api.message.InboxEntry;
import io.parley.client.ParleyClient;
import io.parley.client.ParleyClientOptions;
import io.parley.client.ParleySession;
import io.parley.protocol.Status;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Users chatting at a steady rate against a running server, as a test's background while it changes the server
 * (updates a bundle, deploys a feature, edits a setting), and what that did to them. Each user is a
 * {@link ParleySession} (which resends with the same cid and reconnects with RESUME); users come in groups of
 * {@link Settings#groupSize}, each group a discussion group; every send goes to the next member of the sender's
 * group, and every fifth to the whole group. Every text is unique, so a text shown twice to a user is a message
 * shown twice, and a text a receiver never got of a send answered OK is an acknowledged message lost.
 *
 * <p>The users must exist (registered with {@link Settings#password}). With {@link Settings#befriend} the members
 * of each group become friends first, as a server that requires friendship wants.
 */
public final class Traffic implements AutoCloseable {

    /**
     * How to chat: where, who (the first {@code groupSize} users form a group, and so on; a last short group
     * still chats 1:1), how fast in all, over which event loop (null: the SDK's own).
     */
    public record Settings(String host, int port, List<String> users, String password, int groupSize,
            int sendsPerSecond, boolean befriend, ParleyClientOptions options) {

        public Settings {
            if (groupSize < 2 || users.size() < 2 || sendsPerSecond < 1) {
                throw new IllegalArgumentException("two users at least, in groups of two at least, one send a second");
            }
            users = List.copyOf(users);
        }
    }

    /** One send: who to whom (-1: the group), its text, when it was first tried, its msgId once answered. */
    private record Sent(int sender, int to, String text, long at, CompletableFuture<Long> msgId) {
    }

    /** One answer to one try of a send: when, its status, and how long it took. */
    private record Answer(long at, Status status, long tookNanos) {
    }

    /**
     * What happened between two moments: sends tried, and of them failed (given up on, or still not answered when
     * the traffic settled), acknowledged but lost, and shown twice; users whose connection dropped; answers by status; the slowest answer; and the span
     * between the first and last answer other than OK.
     */
    public record Tally(long sent, long failed, long lost, long twice, long dropped, Map<Status, Integer> answers,
            long slowestMs, long refusedForMs) {

        /** True when no connection dropped, nothing acknowledged was lost or shown twice, and no send failed. */
        public boolean clean() {
            return dropped == 0 && lost == 0 && twice == 0 && failed == 0 && answers.keySet().stream()
                    .allMatch(s -> s == Status.OK || s == Status.UNAVAILABLE || s == Status.UNSUPPORTED);
        }
    }

    private final Settings settings;
    private final List<ParleySession> sessions = new ArrayList<>();
    private final List<Sent> sent = new CopyOnWriteArrayList<>();
    private final List<Answer> answers = new CopyOnWriteArrayList<>();
    private final Map<Integer, List<String>> shown = new ConcurrentHashMap<>();
    private final Map<Integer, ParleyClient> connection = new ConcurrentHashMap<>();
    private final Map<Integer, List<Long>> drops = new ConcurrentHashMap<>();
    private final AtomicLong sequence = new AtomicLong();
    private final String prefix = "t" + Long.toString(System.nanoTime() % 1_000_000L, 36) + "-";
    /** Sends, at the rate asked; stopped by {@link #stopAndSettle}. */
    private final ScheduledExecutorService clock = daemon("parley-traffic");
    /** Watches the connections until {@link #close}, after the sends too. */
    private final ScheduledExecutorService watcher = daemon("parley-traffic-watch");
    /** Connections already counted as dropped (by identity). */
    private final Set<ParleyClient> counted = Collections.newSetFromMap(new java.util.IdentityHashMap<>());
    private long[] groups = new long[0];

    private static ScheduledExecutorService daemon(String name) {
        return Executors.newScheduledThreadPool(1, r -> {
            Thread t = new Thread(r, name);
            t.setDaemon(true);
            return t;
        });
    }

    private Traffic(Settings settings) {
        this.settings = settings;
    }

    /** Logs every user in, makes the groups (and friendships), and starts sending. */
    public static Traffic start(Settings settings) throws Exception {
        Traffic t = new Traffic(settings);
        try {
            t.open();
        } catch (Exception | Error e) {
            t.close();
            throw e;
        }
        return t;
    }

    private ParleyClientOptions options() {
        return settings.options() != null ? settings.options() : ParleyClientOptions.defaults();
    }

    private void open() throws Exception {
        List<String> users = settings.users();
        for (int i = 0; i < users.size(); i++) {
            int me = i;
            shown.put(me, Collections.synchronizedList(new ArrayList<>()));
            drops.put(me, new CopyOnWriteArrayList<>());
            ParleySession s = ParleySession.login(settings.host(), settings.port(), users.get(i), settings.password(),
                    "traffic", options(), entry -> shown.get(me).add(text(entry))).get(30, TimeUnit.SECONDS);
            sessions.add(s);
            connection.put(me, s.client());
        }
        int size = settings.groupSize();
        if (settings.befriend()) {
            for (int first = 0; first < users.size(); first += size) {
                for (int a = first; a < groupEnd(first); a++) {
                    for (int b = a + 1; b < groupEnd(first); b++) {
                        sessions.get(a).client().addFriend(users.get(b), null).get(30, TimeUnit.SECONDS);
                        sessions.get(b).client().acceptFriend(users.get(a)).get(30, TimeUnit.SECONDS);
                    }
                }
            }
        }
        groups = new long[users.size() / size];
        for (int g = 0; g < groups.length; g++) {
            groups[g] = sessions.get(g * size).client().createGroup("traffic" + g,
                    users.subList(g * size + 1, (g + 1) * size)).get(30, TimeUnit.SECONDS);
        }
        clock.scheduleAtFixedRate(this::sendOne, 0, 1_000_000_000L / settings.sendsPerSecond(), TimeUnit.NANOSECONDS);
        watcher.scheduleAtFixedRate(this::watchConnections, 0, 20, TimeUnit.MILLISECONDS);
    }

    /** The first user of the group {@code user} is in (the users come in groups of {@code groupSize}). */
    private int groupStart(int user) {
        return user / settings.groupSize() * settings.groupSize();
    }

    /** One past the last user of the group that starts at {@code first}: a last group may be short. */
    private int groupEnd(int first) {
        return Math.min(settings.users().size(), first + settings.groupSize());
    }

    /** Now, on the clock {@link #between} takes. */
    public static long now() {
        return System.nanoTime();
    }

    /** The sessions, one per user in the order of {@link Settings#users}. */
    public List<ParleySession> sessions() {
        return Collections.unmodifiableList(sessions);
    }

    private static String text(InboxEntry e) {
        return e.text() != null ? e.text() : e.kind() + ":" + e.msgId();
    }

    /** One send, from the next user: to the next member of its group, or every fifth to the group. */
    private void sendOne() {
        long n = sequence.getAndIncrement();
        int from = (int) (n % sessions.size());
        int first = groupStart(from);
        int group = first / settings.groupSize();
        boolean toGroup = n % 5 == 4 && group < groups.length;
        int members = groupEnd(first) - first;
        if (members < 2) {
            return; // a last group of one has nobody to talk to
        }
        int to = toGroup ? -1 : first + (from - first + 1) % members;
        String text = prefix + n;
        String cid = prefix + "c" + n;
        CompletableFuture<Long> msgId = sessions.get(from).enqueue(c -> {
            long asked = now();
            CompletableFuture<Long> tried = toGroup ? c.sendToGroup(groups[group], text, cid).thenApply(r -> r.msgId())
                    : c.sendMessage(settings.users().get(to), text, cid).thenApply(r -> r.msgId());
            return tried.whenComplete((id, e) -> answers.add(new Answer(now(), status(e), now() - asked)));
        });
        sent.add(new Sent(from, to, text, now(), msgId));
    }

    private static Status status(Throwable e) {
        if (e == null) {
            return Status.OK;
        }
        Throwable cause = e instanceof CompletionException ? e.getCause() : e;
        return cause instanceof ParleyException p ? p.status() : Status.UNAVAILABLE; // a dropped connection
    }

    /**
     * A connection counts as dropped when it is seen closed, or when its session is seen on a new one before its
     * close was seen: once per connection, at the moment it was noticed (every 20 ms).
     */
    private synchronized void watchConnections() {
        for (int i = 0; i < sessions.size(); i++) {
            ParleyClient now = sessions.get(i).client();
            ParleyClient before = connection.put(i, now);
            if (before != null && before != now && counted.add(before)) {
                drops.get(i).add(now());
            }
            if (now.closeFuture().isDone() && counted.add(now)) {
                drops.get(i).add(now());
            }
        }
    }

    /**
     * Stops sending, waits for every send's answer (or its session giving up), then until every message
     * answered OK has reached each of its receivers, or {@code timeout} passed. Watching connections goes on.
     */
    public void stopAndSettle(Duration timeout) throws InterruptedException {
        clock.shutdown();
        long deadline = now() + timeout.toNanos();
        if (!clock.awaitTermination(10, TimeUnit.SECONDS)) {
            throw new IllegalStateException("the sender did not stop");
        }
        for (Sent s : sent) {
            try {
                s.msgId().get(Math.max(1, deadline - now()), TimeUnit.NANOSECONDS);
            } catch (ExecutionException | TimeoutException e) {
                // counted as failed, or as not answered, by the tallies
            }
        }
        watchConnections();
        while (now() < deadline && lostNow() > 0) {
            Thread.sleep(100);
        }
    }

    /** True while every session is on a live connection and none gave up. */
    public boolean allConnected() {
        return sessions.stream().allMatch(s -> s.stopReason() == null && !s.client().closeFuture().isDone());
    }

    /** The members of the sender's group but the sender, or the one receiver. */
    private List<Integer> receivers(Sent s) {
        if (s.to() >= 0) {
            return List.of(s.to());
        }
        int first = groupStart(s.sender());
        List<Integer> out = new ArrayList<>();
        for (int m = first; m < groupEnd(first); m++) {
            if (m != s.sender()) {
                out.add(m);
            }
        }
        return out;
    }

    private Map<Integer, Set<String>> seen() {
        Map<Integer, Set<String>> seen = new HashMap<>();
        shown.forEach((user, texts) -> {
            synchronized (texts) {
                seen.put(user, new HashSet<>(texts));
            }
        });
        return seen;
    }

    private boolean lost(Sent s, Map<Integer, Set<String>> seen) {
        if (!s.msgId().isDone() || s.msgId().isCompletedExceptionally()) {
            return false;
        }
        return receivers(s).stream().anyMatch(r -> !seen.get(r).contains(s.text()));
    }

    private long lostNow() {
        Map<Integer, Set<String>> seen = seen();
        return sent.stream().filter(s -> lost(s, seen)).count();
    }

    /** Texts some user was shown more than once. */
    private Set<String> twice() {
        Set<String> twice = new HashSet<>();
        shown.values().forEach(texts -> {
            synchronized (texts) {
                Set<String> once = new HashSet<>();
                for (String t : texts) {
                    if (t.startsWith(prefix) && !once.add(t)) {
                        twice.add(t);
                    }
                }
            }
        });
        return twice;
    }

    /**
     * What happened to sends first tried, answers given and connections dropped in [{@code from}, {@code to}) on
     * the {@link #now} clock. Lost and twice are as of now: call it after {@link #stopAndSettle}.
     */
    public Tally between(long from, long to) {
        Map<Integer, Set<String>> seen = seen();
        Set<String> twice = twice();
        List<Sent> here = sent.stream().filter(s -> s.at() >= from && s.at() < to).toList();
        long dropped = drops.values().stream().filter(l -> l.stream().anyMatch(t -> t >= from && t < to)).count();
        EnumMap<Status, Integer> statuses = new EnumMap<>(Status.class);
        long slowest = 0;
        long firstRefused = Long.MAX_VALUE;
        long lastRefused = Long.MIN_VALUE;
        for (Answer a : answers) {
            if (a.at() >= from && a.at() < to) {
                statuses.merge(a.status(), 1, Integer::sum);
                slowest = Math.max(slowest, a.tookNanos());
                if (a.status() != Status.OK) {
                    firstRefused = Math.min(firstRefused, a.at());
                    lastRefused = Math.max(lastRefused, a.at());
                }
            }
        }
        return new Tally(here.size(), here.stream().filter(s -> !s.msgId().isDone()
                || s.msgId().isCompletedExceptionally()).count(),
                here.stream().filter(s -> lost(s, seen)).count(),
                here.stream().filter(s -> twice.contains(s.text())).count(), dropped, statuses,
                slowest / 1_000_000L, lastRefused < firstRefused ? 0 : (lastRefused - firstRefused) / 1_000_000L);
    }

    /** Sends tried in all, and of them answered OK. */
    public long[] sentAndAnswered() {
        return new long[] {sent.size(), sent.stream().filter(s -> s.msgId().isDone()
                && !s.msgId().isCompletedExceptionally()).count()};
    }

    @Override
    public void close() {
        clock.shutdownNow();
        watcher.shutdownNow();
        sessions.forEach(ParleySession::close);
    }
}
