package io.parley.storage.redis.internal;

import com.google.gson.Gson;
import io.parley.api.message.InboxEntry;
import io.parley.api.serialization.RawJson;
import io.parley.api.store.Appended;
import io.parley.api.store.Conversation;
import io.parley.api.store.MessageArchive;
import io.parley.api.store.MessageStore;
import io.parley.api.store.NewMessage;
import io.parley.serialization.ParleyGson;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import redis.clients.jedis.AbstractPipeline;
import redis.clients.jedis.exceptions.JedisException;
import redis.clients.jedis.params.ScanParams;
import redis.clients.jedis.params.ZAddParams;
import redis.clients.jedis.resps.ScanResult;

/**
 * The fast inbox: each user's newest entries in a Redis sorted set scored by seq, in front of the durable
 * store. Appends commit to the database first and then write Redis; a pull is served from Redis only when
 * Redis holds every entry asked for, without a gap, up to the user's newest seq; anything else (a flushed or
 * restarted Redis, a missed write, an old range) is read from the database, and a missing inbox is refilled.
 */
@Component(service = MessageStore.class, property = "parley.store=redis", immediate = true)
public final class RedisMessageStore implements MessageStore {

    private static final Logger LOG = LoggerFactory.getLogger(RedisMessageStore.class);
    /** user id -> newest seq, in one sorted set: ZADD GT keeps the highest even when writes race. */
    static final String HEADS = "parley:heads";

    private final MessageStore durable;
    private final RedisConnection redis;
    private final Gson gson = ParleyGson.create();
    /** Users whose Redis inbox missed a write on this node; their next pull refills it from the database. */
    private final Set<Long> dirty = ConcurrentHashMap.newKeySet();

    @Activate
    public RedisMessageStore(@Reference(target = "(parley.store=jdbc)") MessageStore durable,
            @Reference RedisConnection redis) {
        this.durable = durable;
        this.redis = redis;
    }

    static String inbox(long userId) {
        return "parley:inbox:" + userId;
    }

    static String cursors(long userId) {
        return "parley:cursors:" + userId;
    }

    @Override
    public Appended append(NewMessage message, Collection<Long> inboxOwners) {
        Appended a = durable.append(message, inboxOwners);
        if (a.duplicate()) {
            return a;
        }
        try (AbstractPipeline p = redis.redis.pipelined()) {
            RawJson event = message.eventJson() == null ? null : new RawJson(message.eventJson());
            for (Map.Entry<Long, Long> owner : a.seqs().entrySet()) {
                long seq = owner.getValue();
                InboxEntry entry = new InboxEntry(seq, a.msgId(), message.kind(), message.senderName(),
                        message.recipientName(), message.groupId(), message.text(), event, a.ts());
                String key = inbox(owner.getKey());
                p.zadd(key, seq, gson.toJson(entry));
                p.zremrangeByRank(key, 0, -(redis.inboxKeep + 1));
                p.zadd(HEADS, seq, Long.toString(owner.getKey()), ZAddParams.zAddParams().gt());
            }
            p.sync();
        } catch (JedisException e) {
            // The database has it; the next pull of these users reads it from there.
            dirty.addAll(a.seqs().keySet());
            LOG.warn("Redis missed an inbox write ({}); those inboxes are read from the database", e.getMessage());
        }
        return a;
    }

    @Override
    public List<InboxEntry> pull(long userId, long after, int limit) {
        try {
            Long head = dirty.contains(userId) ? null : head(userId);
            if (head == null) {
                refill(userId);
                head = head(userId);
            }
            if (head != null) {
                if (after >= head) {
                    return List.of();
                }
                List<InboxEntry> cached = cached(userId, after, limit, head);
                if (cached == null && head - after <= redis.inboxKeep) {
                    // A gap inside the kept window (Redis lost entries it should hold): load the window again.
                    refill(userId);
                    cached = cached(userId, after, limit, head);
                }
                if (cached != null) {
                    return cached;
                }
            }
        } catch (JedisException e) {
            LOG.debug("Redis unavailable for a pull: {}", e.getMessage());
        }
        return durable.pull(userId, after, limit);
    }

    /** The entries after {@code after} from Redis, or null unless Redis holds every one of them. */
    private List<InboxEntry> cached(long userId, long after, int limit, long head) {
        long expected = Math.min(limit, head - after);
        List<InboxEntry> entries = parse(redis.redis.zrangeByScore(inbox(userId), after + 1, head, 0, limit));
        return entries.size() == expected && contiguous(entries, after) ? entries : null;
    }

    /** Loads the newest entries of a user's inbox from the database into Redis. */
    private void refill(long userId) {
        long last = durable.lastSeq(userId);
        List<InboxEntry> newest = durable.pull(userId, Math.max(0, last - redis.inboxKeep), redis.inboxKeep);
        try (AbstractPipeline p = redis.redis.pipelined()) {
            String key = inbox(userId);
            for (InboxEntry e : newest) {
                p.zadd(key, e.seq(), gson.toJson(e));
            }
            p.zremrangeByRank(key, 0, -(redis.inboxKeep + 1));
            p.zadd(HEADS, last, Long.toString(userId), ZAddParams.zAddParams().gt());
            p.sync();
        }
        dirty.remove(userId);
    }

    private Long head(long userId) {
        Double score = redis.redis.zscore(HEADS, Long.toString(userId));
        return score == null ? null : score.longValue();
    }

    private List<InboxEntry> parse(List<String> raw) {
        List<InboxEntry> out = new ArrayList<>(raw.size());
        for (String json : raw) {
            out.add(gson.fromJson(json, InboxEntry.class));
        }
        return out;
    }

    private static boolean contiguous(List<InboxEntry> entries, long after) {
        for (int i = 0; i < entries.size(); i++) {
            if (entries.get(i).seq() != after + 1 + i) {
                return false;
            }
        }
        return true;
    }

    @Override
    public long lastSeq(long userId) {
        try {
            if (!dirty.contains(userId)) {
                Long head = head(userId);
                if (head != null) {
                    return head;
                }
            }
        } catch (JedisException e) {
            LOG.debug("Redis unavailable for a head: {}", e.getMessage());
        }
        return durable.lastSeq(userId);
    }

    @Override
    public long acked(long userId, String device) {
        try {
            String cached = redis.redis.hget(cursors(userId), device);
            if (cached != null) {
                return Long.parseLong(cached);
            }
            long acked = durable.acked(userId, device);
            redis.redis.hset(cursors(userId), device, Long.toString(acked));
            return acked;
        } catch (JedisException e) {
            return durable.acked(userId, device);
        }
    }

    @Override
    public void ack(long userId, String device, long seq) {
        durable.ack(userId, device, seq);
        try {
            // Dropped rather than set: the database keeps the maximum, and the next read copies it.
            redis.redis.hdel(cursors(userId), device);
        } catch (JedisException e) {
            dirty.add(userId);
            LOG.warn("Redis missed a cursor update ({})", e.getMessage());
        }
    }

    /**
     * Deletes in the database; when the sweep is done (a call that deletes less than {@code limit}), drops every
     * cached inbox whose oldest entry is older than the cutoff, so that no pull serves a deleted message. Those
     * inboxes are read from the database next time, and cached again.
     */
    @Override
    public int deleteBefore(long cutoffMs, int limit) {
        int deleted = durable.deleteBefore(cutoffMs, limit);
        if (deleted < limit) {
            try {
                dropCachedInboxesBefore(cutoffMs);
            } catch (JedisException e) {
                LOG.warn("Redis could not drop inboxes holding deleted messages ({}); each is read from the database "
                        + "after the next sweep", e.getMessage());
            }
        }
        return deleted;
    }

    private void dropCachedInboxesBefore(long cutoffMs) {
        ScanParams match = new ScanParams().match("parley:inbox:*").count(1000);
        String cursor = ScanParams.SCAN_POINTER_START;
        do {
            ScanResult<String> page = redis.redis.scan(cursor, match);
            for (String key : page.getResult()) {
                List<InboxEntry> oldest = parse(redis.redis.zrange(key, 0, 0));
                if (!oldest.isEmpty() && oldest.get(0).ts() < cutoffMs) {
                    redis.redis.del(key);
                    dirty.add(Long.parseLong(key.substring("parley:inbox:".length())));
                }
            }
            cursor = page.getCursor();
        } while (!ScanParams.SCAN_POINTER_START.equals(cursor));
    }

    /** Erases in the database, then drops the user's cached inbox and cursors (the head stays, as there). */
    @Override
    public long erase(long userId) {
        long erased = durable.erase(userId);
        try {
            redis.redis.del(inbox(userId), cursors(userId));
        } catch (JedisException e) {
            dirty.add(userId);
            LOG.warn("Redis could not drop the erased inbox of user {} ({}); this node reads it from the database",
                    userId, e.getMessage());
        }
        return erased;
    }

    @Override
    public Optional<MessageArchive.Archived> find(long ownerId, long msgId) {
        return durable.find(ownerId, msgId);
    }

    /**
     * Deletes in the database, then drops the cached inbox of every user who held the message (the heads stay), as
     * retention and erasure do: the next pull on any node reads that inbox from the database and caches it again,
     * without the message and without a gap inside the cache. An inbox Redis could not drop is read from the
     * database on this node until it is refilled.
     */
    @Override
    public int delete(MessageArchive.Archived found) {
        int deleted = durable.delete(found);
        try {
            redis.redis.del(found.entries().keySet().stream().map(RedisMessageStore::inbox).toArray(String[]::new));
        } catch (JedisException e) {
            dirty.addAll(found.entries().keySet());
            LOG.warn("Redis could not drop the inboxes that held a deleted message ({}); this node reads them from "
                    + "the database", e.getMessage());
        }
        return deleted;
    }

    @Override
    public List<InboxEntry> history(long userId, Conversation conversation, long beforeSeq, int limit) {
        return durable.history(userId, conversation, beforeSeq, limit);
    }

    @Override
    public Optional<Appended> findByCid(long senderId, String cid) {
        return durable.findByCid(senderId, cid);
    }
}
