package io.parley.testkit;

import io.parley.api.account.Account;
import io.parley.api.account.AccountService;
import io.parley.api.account.UserRef;
import io.parley.api.account.Usernames;
import io.parley.api.group.GroupMember;
import io.parley.api.group.GroupView;
import io.parley.api.message.InboxEntry;
import io.parley.api.serialization.RawJson;
import io.parley.api.store.AccountStore;
import io.parley.api.store.Appended;
import io.parley.api.store.Conversation;
import io.parley.api.store.AttributeStore;
import io.parley.api.store.Credentials;
import io.parley.api.store.FriendStore;
import io.parley.api.store.GroupStore;
import io.parley.api.store.MessageArchive;
import io.parley.api.store.MessageStore;
import io.parley.api.store.NewMessage;
import io.parley.api.store.ProfileChange;
import io.parley.api.store.StoredToken;
import io.parley.api.store.TokenStore;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * One in-memory database behind every store SPI, for unit tests of components and features without Felix or
 * a real database. The stores share their accounts as the relational ones share a schema: a friend or a group
 * member is shown with the username of its account. Each store keeps the contract of its SPI (gapless inbox
 * seqs, one message per sender and cid, cursors that never move back, case-insensitive usernames), on one lock,
 * so that it can be called from many threads. Nothing is kept on disk.
 */
public final class MemoryStores {

    private final Object lock = new Object();

    private final Map<Long, Account> accountsById = new TreeMap<>();
    private final Map<String, Long> idsByKey = new HashMap<>();
    private final Map<Long, String> hashes = new HashMap<>();
    private final Map<Long, String> bans = new HashMap<>();

    private final Accounts accounts = new Accounts();
    private final Tokens tokens = new Tokens();
    private final Friends friends = new Friends();
    private final Groups groups = new Groups();
    private final Messages messages = new Messages();
    private final Attributes attributes = new Attributes();

    public AccountStore accounts() {
        return accounts;
    }

    public TokenStore tokens() {
        return tokens;
    }

    public FriendStore friends() {
        return friends;
    }

    public GroupStore groups() {
        return groups;
    }

    public MessageStore messages() {
        return messages;
    }

    public AttributeStore attributes() {
        return attributes;
    }

    /**
     * What other bundles ask of the accounts bundle (its AccountDirectory), answered from these accounts, for
     * tests of friends, groups or features without the accounts bundle. Names are looked up in their canonical
     * form, as the real service does.
     */
    public AccountService accountService() {
        return new AccountService() {
            @Override
            public Optional<Account> findByUsername(String username) {
                return accounts.findByUsername(Usernames.canonical(username));
            }

            @Override
            public Optional<UserRef> findUser(String username) {
                return findByUsername(username).map(a -> new UserRef(a.id(), a.username()));
            }

            @Override
            public Optional<Account> findById(long userId) {
                return accounts.findById(userId);
            }
        };
    }

    /** Creates an account with this username and returns its id, as REGISTER would (the hash is not checked). */
    public long account(String username) {
        return accounts.create(username, "-", username, 0)
                .orElseThrow(() -> new IllegalArgumentException("taken: " + username));
    }

    private String usernameOf(long userId) {
        Account a = accountsById.get(userId);
        return a == null ? "#" + userId : a.username();
    }

    private static String key(String username) {
        return Usernames.key(username);
    }

    private final class Accounts implements AccountStore {

        /** Ids are never given twice, as a database's auto-increment does not, even after a delete. */
        private long lastId;

        @Override
        public OptionalLong create(String username, String passwordHash, String nickname, long createdAt) {
            synchronized (lock) {
                if (idsByKey.containsKey(key(username))) {
                    return OptionalLong.empty();
                }
                long id = ++lastId;
                accountsById.put(id, new Account(id, username, nickname, "", "", createdAt));
                idsByKey.put(key(username), id);
                hashes.put(id, passwordHash);
                return OptionalLong.of(id);
            }
        }

        @Override
        public Optional<Account> findByUsername(String username) {
            synchronized (lock) {
                return Optional.ofNullable(idsByKey.get(key(username))).map(accountsById::get);
            }
        }

        @Override
        public boolean setBan(long userId, String reason, long at) {
            synchronized (lock) {
                if (!accountsById.containsKey(userId)) {
                    return false;
                }
                if (reason == null) {
                    bans.remove(userId);
                } else {
                    bans.put(userId, reason);
                }
                return true;
            }
        }

        @Override
        public boolean delete(long userId) {
            synchronized (lock) {
                Account a = accountsById.remove(userId);
                if (a == null) {
                    return false;
                }
                // The key stays, pointing at no account: the name is retired.
                idsByKey.put(key(a.username()), -userId);
                hashes.remove(userId);
                bans.remove(userId);
                return true;
            }
        }

        @Override
        public Optional<String> ban(long userId) {
            synchronized (lock) {
                return Optional.ofNullable(bans.get(userId));
            }
        }

        @Override
        public List<Account> list(String prefix, String after, int limit) {
            String from = key(prefix);
            synchronized (lock) {
                return accountsById.values().stream()
                        .filter(a -> key(a.username()).startsWith(from))
                        .filter(a -> after == null || key(a.username()).compareTo(key(after)) > 0)
                        .sorted(java.util.Comparator.comparing(a -> key(a.username())))
                        .limit(limit)
                        .toList();
            }
        }

        @Override
        public Optional<String> lookAlike(String username) {
            String form = Usernames.lookAlike(username);
            synchronized (lock) {
                return accountsById.values().stream().map(Account::username)
                        .filter(name -> Usernames.lookAlike(name).equals(form)).findFirst();
            }
        }

        @Override
        public Optional<Account> findById(long userId) {
            synchronized (lock) {
                return Optional.ofNullable(accountsById.get(userId));
            }
        }

        @Override
        public Optional<Credentials> credentials(String username) {
            synchronized (lock) {
                return findByUsername(username).map(a -> new Credentials(a.id(), a.username(), hashes.get(a.id())));
            }
        }

        @Override
        public void updateProfile(long userId, ProfileChange change) {
            synchronized (lock) {
                accountsById.computeIfPresent(userId, (id, a) -> new Account(id, a.username(),
                        change.nickname() != null ? change.nickname() : a.nickname(),
                        change.signature() != null ? change.signature() : a.signature(),
                        change.avatar() != null ? change.avatar() : a.avatar(), a.createdAt()));
            }
        }

        @Override
        public void updatePasswordHash(long userId, String passwordHash) {
            synchronized (lock) {
                if (accountsById.containsKey(userId)) {
                    hashes.put(userId, passwordHash);
                }
            }
        }

        @Override
        public boolean replacePasswordHash(long userId, String expected, String passwordHash) {
            synchronized (lock) {
                return accountsById.containsKey(userId) && hashes.replace(userId, expected, passwordHash);
            }
        }
    }

    private final class Tokens implements TokenStore {
        private final Map<String, StoredToken> byId = new HashMap<>();

        @Override
        public void save(StoredToken token) {
            synchronized (lock) {
                byId.put(token.tokenId(), token);
            }
        }

        @Override
        public Optional<StoredToken> find(String tokenId) {
            synchronized (lock) {
                return Optional.ofNullable(byId.get(tokenId));
            }
        }

        @Override
        public void revoke(String tokenId) {
            synchronized (lock) {
                byId.remove(tokenId);
            }
        }

        @Override
        public int revokeAllExcept(long userId, String keepTokenId) {
            synchronized (lock) {
                int before = byId.size();
                byId.values().removeIf(t -> t.userId() == userId && !t.tokenId().equals(keepTokenId));
                return before - byId.size();
            }
        }

        @Override
        public int purgeExpired(long now) {
            synchronized (lock) {
                int before = byId.size();
                byId.values().removeIf(t -> t.expiresAt() < now);
                return before - byId.size();
            }
        }
    }

    private final class Friends implements FriendStore {
        /** Both directions of each friendship, as the relational store keeps them. */
        private final Map<Long, TreeSet<Long>> friendsOf = new HashMap<>();
        /** Pending requests in the order they were made. */
        private final Map<List<Long>, Pending> requests = new LinkedHashMap<>();

        @Override
        public boolean areFriends(long a, long b) {
            synchronized (lock) {
                return friendsOf.getOrDefault(a, new TreeSet<>()).contains(b);
            }
        }

        @Override
        public List<Named> friends(long userId) {
            synchronized (lock) {
                return friendsOf.getOrDefault(userId, new TreeSet<>()).stream()
                        .map(accountsById::get)
                        .map(a -> new Named(a.id(), a.username(), a.nickname()))
                        .sorted(Comparator.comparing(n -> key(n.username())))
                        .toList();
            }
        }

        @Override
        public Optional<Pending> request(long fromId, long toId) {
            synchronized (lock) {
                return Optional.ofNullable(requests.get(List.of(fromId, toId)));
            }
        }

        @Override
        public boolean addRequest(long fromId, long toId, String note, long ts) {
            synchronized (lock) {
                return requests.putIfAbsent(List.of(fromId, toId),
                        new Pending(fromId, usernameOf(fromId), toId, usernameOf(toId), note, false)) == null;
            }
        }

        @Override
        public boolean removeRequest(long fromId, long toId) {
            synchronized (lock) {
                return requests.remove(List.of(fromId, toId)) != null;
            }
        }

        @Override
        public void makeFriends(long a, long b, long ts) {
            synchronized (lock) {
                requests.remove(List.of(a, b));
                requests.remove(List.of(b, a));
                friendsOf.computeIfAbsent(a, k -> new TreeSet<>()).add(b);
                friendsOf.computeIfAbsent(b, k -> new TreeSet<>()).add(a);
            }
        }

        @Override
        public boolean removeFriends(long a, long b) {
            synchronized (lock) {
                boolean removed = friendsOf.getOrDefault(a, new TreeSet<>()).remove(b);
                return friendsOf.getOrDefault(b, new TreeSet<>()).remove(a) || removed;
            }
        }

        @Override
        public List<Pending> incoming(long userId) {
            synchronized (lock) {
                return requests.values().stream().filter(p -> p.toId() == userId).toList();
            }
        }

        @Override
        public List<Pending> outgoing(long userId) {
            synchronized (lock) {
                return requests.values().stream().filter(p -> p.fromId() == userId).toList();
            }
        }

        @Override
        public void markNotified(long fromId, long toId) {
            synchronized (lock) {
                requests.computeIfPresent(List.of(fromId, toId), (k, p) -> new Pending(p.fromId(), p.fromName(),
                        p.toId(), p.toName(), p.note(), true));
            }
        }
    }

    private final class Groups implements GroupStore {
        private record Group(String name, long ownerId, Map<Long, Long> joinedAt) {
        }

        private final TreeMap<Long, Group> live = new TreeMap<>();
        private long lastId;

        @Override
        public long create(String name, long ownerId, Collection<Long> memberIds, long createdAt) {
            synchronized (lock) {
                long id = ++lastId;
                Group g = new Group(name, ownerId, new LinkedHashMap<>());
                memberIds.forEach(m -> g.joinedAt().putIfAbsent(m, createdAt));
                live.put(id, g);
                return id;
            }
        }

        /** Members oldest first, ties by user id, as the relational store orders them. */
        private GroupView view(long id, Group g) {
            List<GroupMember> members = new ArrayList<>();
            g.joinedAt().forEach((user, at) -> members.add(new GroupMember(user, usernameOf(user), at)));
            members.sort(Comparator.comparingLong(GroupMember::joinedAt).thenComparingLong(GroupMember::userId));
            return new GroupView(id, g.name(), g.ownerId(), members);
        }

        @Override
        public Optional<GroupView> find(long groupId) {
            synchronized (lock) {
                Group g = live.get(groupId);
                return g == null ? Optional.empty() : Optional.of(view(groupId, g));
            }
        }

        @Override
        public void addMembers(long groupId, Collection<Long> userIds, long joinedAt) {
            synchronized (lock) {
                Group g = live.get(groupId);
                if (g != null) {
                    for (long user : userIds) {
                        if (g.joinedAt().putIfAbsent(user, joinedAt) != null) {
                            throw new IllegalStateException("user " + user + " is already in group " + groupId);
                        }
                    }
                }
            }
        }

        @Override
        public void removeMembers(long groupId, Collection<Long> userIds) {
            synchronized (lock) {
                Group g = live.get(groupId);
                if (g != null) {
                    userIds.forEach(g.joinedAt()::remove);
                }
            }
        }

        @Override
        public void setOwner(long groupId, long ownerId) {
            synchronized (lock) {
                live.computeIfPresent(groupId, (id, g) -> new Group(g.name(), ownerId, g.joinedAt()));
            }
        }

        @Override
        public void dissolve(long groupId) {
            synchronized (lock) {
                live.remove(groupId);
            }
        }

        @Override
        public List<GroupView> groupsOf(long userId) {
            synchronized (lock) {
                List<GroupView> out = new ArrayList<>();
                live.forEach((id, g) -> {
                    if (g.joinedAt().containsKey(userId)) {
                        out.add(view(id, g));
                    }
                });
                return out;
            }
        }

        @Override
        public List<Listed> list(long afterId, int limit) {
            synchronized (lock) {
                return live.tailMap(afterId, false).entrySet().stream().limit(limit)
                        .map(e -> new Listed(e.getKey(), e.getValue().name(), e.getValue().ownerId(),
                                e.getValue().joinedAt().size()))
                        .toList();
            }
        }
    }

    private final class Messages implements MessageStore {
        /** An inbox entry and, for a 1:1 message, the other party from the owner's side. */
        private record Entry(InboxEntry entry, Long peerId) {
        }

        /** A stored message, and the key of its cid (null without one). */
        private record Stored(String cidKey, NewMessage message) {
        }

        /** Each inbox by seq; entries may be deleted, seqs are never reused. */
        private final Map<Long, TreeMap<Long, Entry>> inboxes = new HashMap<>();
        private final Map<Long, Long> heads = new HashMap<>();
        private final TreeMap<Long, Stored> stored = new TreeMap<>();
        private final Map<String, Appended> byCid = new HashMap<>();
        private final Map<String, Long> cursors = new HashMap<>();
        private long lastMsgId;

        @Override
        public Appended append(NewMessage m, Collection<Long> inboxOwners) {
            synchronized (lock) {
                String cidKey = m.cid() == null ? null : m.senderId() + "/" + m.cid();
                Appended earlier = cidKey == null ? null : byCid.get(cidKey);
                if (earlier != null) {
                    return new Appended(earlier.msgId(), earlier.ts(), earlier.seqs(), true);
                }
                long msgId = ++lastMsgId;
                Map<Long, Long> seqs = new TreeMap<>();
                for (long owner : new TreeSet<>(inboxOwners)) {
                    long seq = heads.merge(owner, 1L, Long::sum);
                    Long peer = m.recipientId() == null ? null
                            : owner == m.senderId() ? m.recipientId() : Long.valueOf(m.senderId());
                    inboxes.computeIfAbsent(owner, k -> new TreeMap<>()).put(seq, new Entry(new InboxEntry(seq, msgId,
                            m.kind(), m.senderName(), m.recipientName(), m.groupId(), m.text(),
                            m.eventJson() == null ? null : new RawJson(m.eventJson()), m.ts()), peer));
                    seqs.put(owner, seq);
                }
                stored.put(msgId, new Stored(cidKey, m));
                Appended result = new Appended(msgId, m.ts(), Map.copyOf(seqs), false);
                if (cidKey != null) {
                    byCid.put(cidKey, result);
                }
                return result;
            }
        }

        private TreeMap<Long, Entry> inbox(long userId) {
            return inboxes.getOrDefault(userId, new TreeMap<>());
        }

        @Override
        public List<InboxEntry> pull(long userId, long after, int limit) {
            synchronized (lock) {
                return inbox(userId).tailMap(after, false).values().stream().limit(Math.max(0, limit))
                        .map(Entry::entry).toList();
            }
        }

        @Override
        public long lastSeq(long userId) {
            synchronized (lock) {
                return heads.getOrDefault(userId, 0L);
            }
        }

        @Override
        public long acked(long userId, String device) {
            synchronized (lock) {
                return cursors.getOrDefault(userId + "/" + device, 0L);
            }
        }

        @Override
        public void ack(long userId, String device, long seq) {
            synchronized (lock) {
                cursors.merge(userId + "/" + device, seq, Math::max);
            }
        }

        @Override
        public List<InboxEntry> history(long userId, Conversation conversation, long beforeSeq, int limit) {
            synchronized (lock) {
                List<InboxEntry> out = new ArrayList<>();
                for (Entry e : inbox(userId).headMap(beforeSeq, false).descendingMap().values()) {
                    if (out.size() >= limit) {
                        break;
                    }
                    boolean in = conversation instanceof Conversation.Peer peer
                            ? Long.valueOf(peer.userId()).equals(e.peerId())
                            : Long.valueOf(((Conversation.Group) conversation).groupId()).equals(e.entry().groupId());
                    if (in) {
                        out.add(e.entry());
                    }
                }
                return out;
            }
        }

        @Override
        public int deleteBefore(long cutoffMs, int limit) {
            synchronized (lock) {
                List<Long> old = stored.entrySet().stream().filter(e -> e.getValue().message().ts() < cutoffMs)
                        .map(Map.Entry::getKey).limit(Math.max(1, limit)).toList();
                Set<Long> gone = new HashSet<>(old);
                inboxes.values().forEach(inbox -> inbox.values().removeIf(e -> gone.contains(e.entry().msgId())));
                old.forEach(this::forget);
                return old.size();
            }
        }

        @Override
        public long erase(long userId) {
            synchronized (lock) {
                TreeMap<Long, Entry> inbox = inboxes.remove(userId);
                cursors.keySet().removeIf(key -> key.startsWith(userId + "/"));
                Set<Long> held = new HashSet<>();
                inboxes.values().forEach(other -> other.values().forEach(e -> held.add(e.entry().msgId())));
                List<Long> orphans = stored.entrySet().stream()
                        .filter(e -> e.getValue().message().senderId() == userId
                                || Long.valueOf(userId).equals(e.getValue().message().recipientId()))
                        .map(Map.Entry::getKey).filter(id -> !held.contains(id)).toList();
                orphans.forEach(this::forget);
                return inbox == null ? 0 : inbox.size();
            }
        }

        private void forget(long msgId) {
            Stored s = stored.remove(msgId);
            if (s != null && s.cidKey() != null) {
                byCid.remove(s.cidKey());
            }
        }

        @Override
        public Optional<Appended> findByCid(long senderId, String cid) {
            synchronized (lock) {
                return Optional.ofNullable(byCid.get(senderId + "/" + cid));
            }
        }

        @Override
        public Optional<MessageArchive.Archived> find(long ownerId, long msgId) {
            synchronized (lock) {
                Stored s = stored.get(msgId);
                Map<Long, Long> entries = holding(msgId);
                if (s == null || !entries.containsKey(ownerId)) {
                    return Optional.empty();
                }
                return Optional.of(new MessageArchive.Archived(msgId, s.message(), entries));
            }
        }

        /** Every inbox holding the message, owner to seq. */
        private Map<Long, Long> holding(long msgId) {
            Map<Long, Long> entries = new TreeMap<>();
            inboxes.forEach((owner, inbox) -> inbox.forEach((seq, e) -> {
                if (e.entry().msgId() == msgId) {
                    entries.put(owner, seq);
                }
            }));
            return entries;
        }

        @Override
        public int delete(MessageArchive.Archived found) {
            synchronized (lock) {
                int gone = 0;
                for (Map.Entry<Long, Long> e : found.entries().entrySet()) {
                    TreeMap<Long, Entry> inbox = inboxes.get(e.getKey());
                    Entry held = inbox == null ? null : inbox.get(e.getValue());
                    if (held != null && held.entry().msgId() == found.msgId()) {
                        inbox.remove(e.getValue());
                        gone++;
                    }
                }
                if (holding(found.msgId()).isEmpty()) {
                    forget(found.msgId());
                }
                return gone;
            }
        }
    }

    private final class Attributes implements AttributeStore {
        /** namespace, group, user, name: value. */
        private final Map<String, Map<Long, Map<Long, Map<String, String>>>> values = new HashMap<>();

        @Override
        public Optional<String> get(String namespace, long groupId, long userId, String name) {
            synchronized (lock) {
                return Optional.ofNullable(all(namespace, groupId).getOrDefault(userId, Map.of()).get(name));
            }
        }

        @Override
        public Map<Long, Map<String, String>> all(String namespace, long groupId) {
            synchronized (lock) {
                Map<Long, Map<String, String>> copy = new TreeMap<>();
                values.getOrDefault(namespace, Map.of()).getOrDefault(groupId, Map.of())
                        .forEach((user, named) -> copy.put(user, Map.copyOf(named)));
                return copy;
            }
        }

        @Override
        public void put(String namespace, long groupId, long userId, String name, String value) {
            synchronized (lock) {
                values.computeIfAbsent(namespace, k -> new HashMap<>()).computeIfAbsent(groupId, k -> new HashMap<>())
                        .computeIfAbsent(userId, k -> new HashMap<>()).put(name, value);
            }
        }

        @Override
        public void remove(String namespace, long groupId, long userId, String name) {
            synchronized (lock) {
                Map<String, String> named = values.getOrDefault(namespace, Map.of())
                        .getOrDefault(groupId, Map.of()).get(userId);
                if (named != null) {
                    named.remove(name);
                }
            }
        }
    }
}
