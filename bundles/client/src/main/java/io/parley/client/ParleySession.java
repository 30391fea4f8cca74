package io.parley.client;

import io.parley.api.ParleyException;
import io.parley.api.account.LoginResponse;
import io.parley.api.message.InboxEntry;
import io.parley.api.message.Notify;
import io.parley.api.message.PullResponse;
import io.parley.protocol.Status;
import io.parley.protocol.Types;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Function;

/**
 * A logged-in user on one device that stays logged in: the reliable layer over {@link ParleyClient}.
 *
 * <ul>
 * <li>It pulls at login and whenever MSG_NOTIFY says there is more, and hands the {@link EntryListener} every
 *     inbox entry once, in seq order, then acknowledges it. Duplicates on the wire never reach the app.</li>
 * <li>{@link #send} makes a cid and, when the connection drops before the answer, resends with the same cid
 *     after reconnecting, so the message is stored once. RATE_LIMITED is retried after the server's
 *     {@code retryAfterMs}. Sends go out one at a time from an outbox, so they keep the order of the calls.</li>
 * <li>A dropped connection is re-established with RESUME and exponential backoff (100 ms to 5 s, with
 *     jitter). It stops reconnecting when the server KICKs this device (another login on the same device
 *     took over), when the token is refused, or on {@link #close}.</li>
 * </ul>
 */
public final class ParleySession implements AutoCloseable {

    private static final Duration MAX_BACKOFF = Duration.ofSeconds(5);
    private static final Duration SEND_DEADLINE = Duration.ofSeconds(60);
    private static final int PULL_BATCH = 500;

    private final String host;
    private final int port;
    private final String device;
    private final ParleyClientOptions options;
    private final EntryListener entries;
    private final List<NoticeListener> notices = new CopyOnWriteArrayList<>();
    /** Pulls, delivery and reconnects run here, one at a time, so the app sees entries in order. */
    private volatile Thread workerThread;
    private final ScheduledExecutorService worker = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "parley-session");
        t.setDaemon(true);
        workerThread = t;
        return t;
    });

    private volatile ParleyClient client;
    private volatile CompletableFuture<ParleyClient> connected = new CompletableFuture<>();
    private volatile String token;
    private volatile long userId;
    private volatile boolean closed;
    private volatile String stopReason;
    private long delivered;
    private int attempts;
    /** Sends waiting, oldest first; touched only on the worker (and by close once the worker has stopped). */
    private final Deque<Outgoing> outbox = new ArrayDeque<>();
    private boolean sending;

    private ParleySession(String host, int port, String device, ParleyClientOptions options, EntryListener entries) {
        this.host = host;
        this.port = port;
        this.device = device;
        this.options = options;
        this.entries = entries;
    }

    /** Connects, logs in and starts delivering entries after this device's acknowledged cursor. */
    public static CompletableFuture<ParleySession> login(String host, int port, String username, String password,
            String device, ParleyClientOptions options, EntryListener entries) {
        return open(host, port, device, options, entries, c -> c.login(username, password, device));
    }

    /** Connects, logs in the way given, and attaches the session to the connection; closes it on failure. */
    private static CompletableFuture<ParleySession> open(String host, int port, String device,
            ParleyClientOptions options, EntryListener entries,
            Function<ParleyClient, CompletableFuture<LoginResponse>> logIn) {
        ParleySession session = new ParleySession(host, port, device, options, entries);
        return ParleyClient.connect(host, port, options)
                .thenCompose(c -> logIn.apply(session.listen(c))
                        .whenComplete((r, e) -> {
                            if (e != null) {
                                c.close();
                            }
                        })
                        .thenApply(login -> {
                            session.attach(c, login, true);
                            return session;
                        }));
    }

    /**
     * Connects and goes on with a token from an earlier login (RESUME), as {@link #login} does with a password:
     * a tool that keeps its token between runs asks for the password only when the token is refused.
     */
    public static CompletableFuture<ParleySession> resume(String host, int port, String token, String device,
            ParleyClientOptions options, EntryListener entries) {
        return open(host, port, device, options, entries, c -> c.resume(token, device));
    }

    /** The token of this session's login, for {@link #resume} in a later run. */
    public String token() {
        return token;
    }

    public static CompletableFuture<ParleySession> login(String host, int port, String username, String password,
            String device, EntryListener entries) {
        return login(host, port, username, password, device, ParleyClientOptions.defaults(), entries);
    }

    /**
     * Sends a 1:1 message; completes with its msgId once the server has stored it. Messages of one session
     * are sent one after another from an outbox, so they arrive in the order of the calls even when one is
     * retried after a dropped connection or RATE_LIMITED.
     */
    public CompletableFuture<Long> send(String to, String text) {
        String cid = UUID.randomUUID().toString();
        return enqueue(c -> c.sendMessage(to, text, cid).thenApply(r -> r.msgId()));
    }

    /** Sends to a group, through the same ordered outbox as {@link #send}. */
    public CompletableFuture<Long> sendToGroup(long groupId, String text) {
        String cid = UUID.randomUUID().toString();
        return enqueue(c -> c.sendToGroup(groupId, text, cid).thenApply(r -> r.msgId()));
    }

    /**
     * Recalls a message this user sent ({@link ParleyClient#recall}), through the same ordered outbox, so it goes
     * after the send it takes back and is repeated after a dropped connection; completes with the msgId.
     */
    public CompletableFuture<Long> recall(long msgId) {
        return enqueue(c -> c.recall(msgId).thenApply(v -> msgId));
    }

    /** Queues a send (any call that is safe to repeat, such as one with a cid) behind the earlier ones. */
    public CompletableFuture<Long> enqueue(Function<ParleyClient, CompletableFuture<Long>> call) {
        Outgoing o = new Outgoing(call, new CompletableFuture<>(), System.nanoTime() + SEND_DEADLINE.toNanos());
        try {
            worker.execute(() -> {
                outbox.add(o);
                pump();
            });
        } catch (RejectedExecutionException e) {
            o.result().completeExceptionally(new ParleyException(Status.UNAVAILABLE, "The session is closed."));
        }
        return o.result();
    }

    private record Outgoing(Function<ParleyClient, CompletableFuture<Long>> call, CompletableFuture<Long> result,
            long deadline) {
    }

    /** Sends the head of the outbox, if nothing is on its way. Runs on the worker. */
    private void pump() {
        if (sending || outbox.isEmpty()) {
            return;
        }
        Outgoing o = outbox.peek();
        sending = true;
        connected.thenCompose(o.call()).whenComplete((msgId, error) -> runOnWorker(() -> {
            sending = false;
            if (error == null) {
                outbox.poll();
                o.result().complete(msgId);
                pump();
                return;
            }
            Throwable cause = error instanceof CompletionException ? error.getCause() : error;
            long retryAfterMs = retryAfterMs(cause);
            if (retryAfterMs >= 0 && !closed && stopReason == null && System.nanoTime() < o.deadline()) {
                worker.schedule(this::pump, retryAfterMs, TimeUnit.MILLISECONDS);
            } else {
                outbox.poll();
                o.result().completeExceptionally(cause);
                pump();
            }
        }));
    }

    private void runOnWorker(Runnable task) {
        try {
            worker.execute(task);
        } catch (RejectedExecutionException e) {
            failOutbox();
        }
    }

    private void failOutbox() {
        Outgoing o;
        synchronized (outbox) {
            while ((o = outbox.poll()) != null) {
                o.result().completeExceptionally(new ParleyException(Status.UNAVAILABLE, "The session is closed."));
            }
        }
    }

    /**
     * How long to wait before trying a failed call again, or -1 when it must not be retried: a lost
     * connection or a timeout is retried once reconnected; RATE_LIMITED after the server's retryAfterMs.
     */
    private static long retryAfterMs(Throwable cause) {
        if (cause instanceof TimeoutException) {
            return 50;
        }
        if (cause instanceof ParleyException p) {
            if (p.status() == Status.UNAVAILABLE) {
                return 50;
            }
            if (p.status() == Status.RATE_LIMITED) {
                return p.retryAfterMs() != null ? p.retryAfterMs() : 100;
            }
        }
        return -1;
    }

    /** Notices other than MSG_NOTIFY (PRESENCE, FRIEND_EVENT, KICKED ...), from whichever connection is current. */
    public void onNotice(NoticeListener listener) {
        notices.add(listener);
    }

    /** The current connection, for calls the session does not wrap. */
    public ParleyClient client() {
        return client;
    }

    public long userId() {
        return userId;
    }

    /** The highest seq handed to the entry listener. */
    public synchronized long delivered() {
        return delivered;
    }

    /** Why the session stopped reconnecting (kicked, token refused), or null while it keeps going. */
    public String stopReason() {
        return stopReason;
    }

    /** LOGOUT: revokes the token; the session is closed after. */
    public CompletableFuture<Void> logout() {
        closed = true;
        ParleyClient c = client;
        long seq = delivered();
        // The cursor first: the server answers LOGOUT and closes, and drops what is still queued behind it.
        CompletableFuture<Void> acked = seq > 0 ? c.ack(seq).exceptionally(e -> null) : CompletableFuture.completedFuture(null);
        return acked.thenCompose(ignored -> c.logout()).whenComplete((r, e) -> close());
    }

    @Override
    public void close() {
        closed = true;
        ParleyClient current = client;
        boolean mayWait = Thread.currentThread() != workerThread && (current == null || !current.inEventLoop());
        if (mayWait) {
            try {
                // After the deliveries already under way, the cursor goes to the server and is answered before
                // the connection closes: a server drops what is still queued for a connection that is gone.
                worker.submit(this::ackBeforeClose).get(ACK_ON_CLOSE_MS, TimeUnit.MILLISECONDS);
            } catch (ExecutionException | TimeoutException | RejectedExecutionException e) {
                // Best effort: entries not acknowledged are offered again at the next login.
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        ParleyClient c = client;
        if (c != null) {
            c.close();
        }
        worker.shutdown();
        try {
            worker.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        failOutbox();
    }

    // ---- connection life ----------------------------------------------------------------------------------

    /** Listens before logging in: the server may push notices right after the login, before its answer. */
    private ParleyClient listen(ParleyClient c) {
        c.onNotice(this::onNotice);
        return c;
    }

    private void attach(ParleyClient c, LoginResponse login, boolean first) {
        token = login.token();
        userId = login.userId();
        if (first) {
            synchronized (this) {
                delivered = login.acked();
            }
        }
        client = c;
        c.closeFuture().thenRun(() -> runOnWorker(this::reconnect));
        attempts = 0;
        connected.complete(c);
        // Always pull once: a MSG_NOTIFY that came before this point was not acted on.
        runOnWorker(this::pullAll);
        runOnWorker(this::pump);
    }

    private void onNotice(Notice notice) {
        if (notice.type() == Types.MSG_NOTIFY) {
            if (client != null) {
                Notify notify = notice.as(Notify.class);
                runOnWorker(() -> onNotify(notify));
            }
            return;
        }
        if (notice.type() == Types.KICKED) {
            stopReason = "kicked: " + notice.json().get("reason").getAsString();
        }
        for (NoticeListener listener : notices) {
            listener.onNotice(notice);
        }
    }

    private void reconnect() {
        if (closed || stopReason != null) {
            connected.completeExceptionally(new ParleyException(Status.UNAVAILABLE,
                    closed ? "The session is closed." : "The session stopped: " + stopReason));
            return;
        }
        if (connected.isDone()) {
            connected = new CompletableFuture<>();
        }
        long backoff = Math.min(MAX_BACKOFF.toMillis(), 100L << Math.min(attempts, 6));
        attempts++;
        worker.schedule(() -> {
            try {
                ParleyClient c = ParleyClient.connect(host, port, options).get(options.requestTimeout().toMillis(),
                        TimeUnit.MILLISECONDS);
                try {
                    LoginResponse login = listen(c).resume(token, device).get(options.requestTimeout().toMillis(),
                            TimeUnit.MILLISECONDS);
                    attach(c, login, false);
                } catch (ExecutionException e) {
                    c.close();
                    if (e.getCause() instanceof ParleyException p && p.status() == Status.UNAUTHENTICATED) {
                        stopReason = "token refused: " + p.getMessage();
                    }
                    reconnect();
                }
            } catch (Exception e) {
                reconnect();
            }
        }, backoff + ThreadLocalRandom.current().nextLong(backoff / 2 + 1), TimeUnit.MILLISECONDS);
    }

    // ---- delivery (on the worker thread) ----------------------------------------------------------------

    private void onNotify(Notify notify) {
        List<InboxEntry> inline = notify.messages();
        if (inline != null && !inline.isEmpty() && inline.get(0).seq() <= delivered() + 1) {
            deliver(inline, false);
        }
        if (notify.seq() > delivered()) {
            pullAll();
        } else {
            ackDelivered();
        }
    }

    private void pullAll() {
        ParleyClient c = client;
        if (c == null || !c.isConnected()) {
            return;
        }
        try {
            PullResponse page;
            do {
                page = c.pull(delivered(), PULL_BATCH).get(options.requestTimeout().toMillis(), TimeUnit.MILLISECONDS);
                deliver(page.messages(), true);
            } while (page.more() && !page.messages().isEmpty());
            ackDelivered();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (ExecutionException | TimeoutException e) {
            // The connection is gone or slow; the reconnect pulls again from the cursor.
        }
    }

    /**
     * Hands over the entries that come next, skipping what was delivered already. A pull's answer is every entry
     * after the cursor that the inbox still holds, so a seq it skips was taken out (retention, erasure) and is
     * not waited for; entries that came inline with MSG_NOTIFY stop at a gap, which the pull that follows fills.
     */
    private void deliver(List<InboxEntry> batch, boolean pulled) {
        for (InboxEntry entry : batch) {
            long next;
            synchronized (this) {
                next = delivered + 1;
            }
            if (entry.seq() < next) {
                continue;
            }
            if (entry.seq() > next && !pulled) {
                return; // a gap: the pull that follows fills it in order
            }
            entries.onEntry(entry);
            synchronized (this) {
                delivered = entry.seq();
            }
        }
    }

    private static final long ACK_ON_CLOSE_MS = 2000;

    private void ackBeforeClose() {
        ParleyClient c = client;
        long seq = delivered();
        if (c == null || !c.isConnected() || seq == 0) {
            return;
        }
        try {
            c.ack(seq).get(ACK_ON_CLOSE_MS, TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (ExecutionException | TimeoutException e) {
            // The connection is failing anyway.
        }
    }

    private void ackDelivered() {
        long seq = delivered();
        if (seq > 0) {
            client.ack(seq);
        }
    }
}
