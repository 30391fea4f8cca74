package io.parley.storage.redis.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.parley.api.message.InboxEntry;
import io.parley.api.session.Session;
import io.parley.api.store.NewMessage;
import io.parley.api.store.StoredToken;
import io.parley.storage.jdbc.internal.JdbcAccountStore;
import io.parley.storage.jdbc.internal.JdbcMessageStore;
import io.parley.storage.jdbc.internal.JdbcTokenStore;
import io.parley.storage.jdbc.internal.TestDatabases;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.LongStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What Redis adds and what happens when it loses its data or goes away: the database stays the record. */
class RedisFaultsTest {

    @TempDir
    Path dir;

    private TestDatabases.Opened opened;
    private RedisConnection redis;
    private JdbcMessageStore jdbc;
    private long a;
    private long b;

    @BeforeEach
    void open() {
        opened = TestDatabases.open("mariadb", dir);
        JdbcAccountStore accounts = new JdbcAccountStore(opened.db());
        a = accounts.create("ann", "h", "", 1).orElseThrow();
        b = accounts.create("ben", "h", "", 1).orElseThrow();
        jdbc = new JdbcMessageStore(opened.db());
    }

    @AfterEach
    void close() {
        if (redis != null) {
            redis.close();
        }
        opened.close();
    }

    private void send(RedisMessageStore store, int from, int to) {
        for (int i = from; i < to; i++) {
            store.append(new NewMessage(a, "ann", b, "ben", null, "msg", "m" + i, null, "c" + i, i), List.of(a, b));
        }
    }

    private static List<Long> seqs(List<InboxEntry> entries) {
        return entries.stream().map(InboxEntry::seq).toList();
    }

    @Test
    void aFlushedRedisIsRebuiltFromTheDatabaseAndNothingIsLost() {
        redis = TestRedis.connect(1000, 60, "n1");
        RedisMessageStore store = new RedisMessageStore(jdbc, redis);
        send(store, 0, 5);
        assertEquals(5, redis.redis.zcard(RedisMessageStore.inbox(b)));
        assertEquals(seqs(store.pull(b, 0, 100)), List.of(1L, 2L, 3L, 4L, 5L));

        redis.redis.flushDB();
        send(store, 5, 10);
        List<InboxEntry> all = store.pull(b, 0, 100);
        assertEquals(LongStream.rangeClosed(1, 10).boxed().toList(), seqs(all));
        assertEquals("m0", all.get(0).text());
        assertEquals(10, redis.redis.zcard(RedisMessageStore.inbox(b)), "the inbox was refilled");
        assertEquals(10, store.lastSeq(b));
    }

    @Test
    void entriesOlderThanTheKeptWindowComeFromTheDatabase() {
        redis = TestRedis.connect(5, 60, "n1");
        RedisMessageStore store = new RedisMessageStore(jdbc, redis);
        send(store, 0, 12);
        assertEquals(5, redis.redis.zcard(RedisMessageStore.inbox(b)), "only the newest 5 are kept");
        assertEquals(LongStream.rangeClosed(1, 12).boxed().toList(), seqs(store.pull(b, 0, 100)));
        assertEquals(List.of(9L, 10L), seqs(store.pull(b, 8, 2)));
    }

    @Test
    void withRedisUnreachableEverythingIsServedFromTheDatabase() {
        redis = new RedisConnection("127.0.0.1", 1, 0, "", 200, 2, 1000, 60, "down");
        RedisMessageStore store = new RedisMessageStore(jdbc, redis);
        send(store, 0, 3);
        assertEquals(List.of(1L, 2L, 3L), seqs(store.pull(b, 0, 10)));
        assertEquals(3, store.lastSeq(b));
        store.ack(b, "pc", 2);
        assertEquals(2, store.acked(b, "pc"));
    }

    @Test
    void cursorsComeFromRedisAfterTheFirstReadAndFollowAcks() {
        redis = TestRedis.connect(1000, 60, "n1");
        RedisMessageStore store = new RedisMessageStore(jdbc, redis);
        send(store, 0, 3);
        store.ack(b, "pc", 2);
        assertEquals(2, store.acked(b, "pc"));
        assertEquals("2", redis.redis.hget(RedisMessageStore.cursors(b), "pc"));
        store.ack(b, "pc", 3);
        assertEquals(3, store.acked(b, "pc"));
        store.ack(b, "pc", 1);
        assertEquals(3, store.acked(b, "pc"), "a cursor never moves back");
    }

    @Test
    void tokensExpireInRedisAndRevocationReachesBoth() {
        redis = TestRedis.connect(1000, 60, "n1");
        JdbcTokenStore durable = new JdbcTokenStore(opened.db());
        RedisTokenStore tokens = new RedisTokenStore(durable, redis);
        long now = System.currentTimeMillis();
        tokens.save(new StoredToken("t1", a, "pc", now, now + 60_000));
        tokens.save(new StoredToken("t2", a, "ios", now, now + 60_000));
        long ttl = redis.redis.pttl(RedisTokenStore.key("t1"));
        assertTrue(ttl > 50_000 && ttl <= 60_000, "expires with the token: " + ttl);
        assertEquals("pc", tokens.find("t1").orElseThrow().device());

        redis.redis.flushDB();
        assertEquals("ios", tokens.find("t2").orElseThrow().device(), "found in the database after a flush");
        assertTrue(redis.redis.exists(RedisTokenStore.key("t2")), "and cached again");

        assertEquals(1, tokens.revokeAllExcept(a, "t2"));
        assertTrue(tokens.find("t1").isEmpty());
        tokens.revoke("t2");
        assertTrue(tokens.find("t2").isEmpty());
        assertTrue(durable.find("t2").isEmpty());
        assertFalse(redis.redis.exists(RedisTokenStore.key("t2")));
    }

    @Test
    void presenceIsSharedBetweenNodesAndExpires() {
        redis = TestRedis.connect(1000, 60, "n1");
        RedisConnection other = new RedisConnection("127.0.0.1", 6379, TestRedis.DATABASE, "", 2000, 4, 1000, 60, "n2");
        RedisPresence node1 = new RedisPresence(redis);
        RedisPresence node2 = new RedisPresence(other);
        try {
            Session session = new Session(a, "ann", "pc", "t");
            node1.arrived(session);
            assertTrue(node2.isOnline(a), "another node sees it");
            assertFalse(node2.isOnline(b));
            node1.left(session);
            assertFalse(node2.isOnline(a));

            // A crashed node's entry: never refreshed, past its expiry.
            redis.redis.zadd(RedisPresence.key(b), System.currentTimeMillis() - 1, "crashed/pc");
            assertFalse(node1.isOnline(b), "an expired entry is offline");
        } finally {
            node1.deactivate();
            node2.deactivate();
            other.close();
        }
    }
}
