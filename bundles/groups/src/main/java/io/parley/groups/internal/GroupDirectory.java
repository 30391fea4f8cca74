package io.parley.groups.internal;

import io.parley.api.ParleyException;
import io.parley.api.account.Account;
import io.parley.api.account.AccountService;
import io.parley.api.account.UserData;
import io.parley.api.account.UserRef;
import io.parley.api.friend.FriendService;
import io.parley.api.group.Decision;
import io.parley.api.group.GroupAction.Type;
import io.parley.api.group.GroupAction;
import io.parley.api.group.GroupInfo;
import io.parley.api.group.GroupList;
import io.parley.api.group.GroupMember;
import io.parley.api.group.GroupRule;
import io.parley.api.group.GroupService;
import io.parley.api.group.GroupView;
import io.parley.api.message.Delivery;
import io.parley.api.message.MessageFilter;
import io.parley.api.message.MessageService;
import io.parley.api.session.NoticeBus;
import io.parley.api.store.GroupStore;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.LongSupplier;
import java.util.function.Supplier;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.osgi.service.component.annotations.ReferencePolicyOption;
import org.osgi.service.metatype.annotations.Designate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The group actions. One group's actions run one at a time on this node (striped locks), so two
 * concurrent adds cannot pass the member cap together. Every action asks the rule chain first.
 */
@Component(service = {GroupService.class, UserData.class, GroupDirectory.class}, configurationPid = "io.parley.groups",
        configurationPolicy = ConfigurationPolicy.OPTIONAL)
@Designate(ocd = GroupsConfiguration.class)
public final class GroupDirectory implements GroupService, UserData {

    private static final Logger LOG = LoggerFactory.getLogger(GroupDirectory.class);
    static final int MAX_NAME = 64;

    private final GroupStore store;
    private final MessageService messages;
    private final AccountService accounts;
    private final int maxMembers;
    private final int maxNamed;
    private final FriendshipPolicy friendship;
    private final GroupCache cache;
    private final GroupRuleChain rules = new GroupRuleChain();
    private final LongSupplier clock;
    private final ReentrantLock[] locks = new ReentrantLock[64];
    private final ScheduledExecutorService sweeper;

    @Activate
    public GroupDirectory(GroupsConfiguration config, @Reference GroupStore store,
            @Reference MessageService messages, @Reference AccountService accounts,
            @Reference FriendshipPolicy friendship) {
        this(store, messages, accounts, config.maxMembers(), config.maxNamedPerRequest(), friendship,
                TimeUnit.SECONDS.toMillis(config.idleEvictSeconds()), config.sweepSeconds(), System::currentTimeMillis);
        clusterViewMs = Math.max(0, config.clusterViewMs());
    }

    GroupDirectory(GroupStore store, MessageService messages, AccountService accounts, int maxMembers, int maxNamed,
            FriendshipPolicy friendship, long idleEvictMs, long sweepSeconds, LongSupplier clock) {
        this.store = store;
        this.messages = messages;
        this.accounts = accounts;
        this.maxMembers = maxMembers;
        this.maxNamed = maxNamed;
        this.friendship = friendship;
        this.clock = clock;
        this.cache = new GroupCache(idleEvictMs, clock);
        for (int i = 0; i < locks.length; i++) {
            locks[i] = new ReentrantLock();
        }
        sweeper = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "parley-groups-sweeper");
            t.setDaemon(true);
            return t;
        });
        sweeper.scheduleWithFixedDelay(() -> {
            int evicted = cache.sweep();
            if (evicted > 0) {
                LOG.debug("Evicted {} idle groups; {} stay cached", evicted, cache.size());
            }
        }, sweepSeconds, sweepSeconds, TimeUnit.SECONDS);
    }

    @Deactivate
    void deactivate() {
        sweeper.shutdownNow();
    }

    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY)
    private volatile FriendService friends;

    /**
     * Present when this node is one of a cluster: other nodes change groups too, and this node's cache does not
     * hear of it, so a cached view is trusted for {@link #clusterViewMs} at most.
     */
    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY)
    private volatile NoticeBus cluster;
    private long clusterViewMs = 1000;

    @Reference(service = GroupRule.class, cardinality = ReferenceCardinality.MULTIPLE,
            policy = ReferencePolicy.DYNAMIC, policyOption = ReferencePolicyOption.GREEDY)
    void addRule(GroupRule rule) {
        rules.add(rule);
    }

    void removeRule(GroupRule rule) {
        rules.remove(rule);
    }

    // ---- GroupService ----------------------------------------------------------------------------------

    @Override
    public Optional<GroupView> find(long groupId) {
        return cache.get(groupId, store::find, cluster == null ? 0 : Math.max(1, clusterViewMs));
    }

    @Override
    public void check(GroupAction action) {
        rules.decide(action, this::corePolicy);
    }

    @Override
    public void addMembers(UserRef actor, long groupId, Collection<Long> userIds) {
        List<UserRef> targets = new ArrayList<>();
        for (long id : new LinkedHashSet<>(userIds)) {
            Account a = accounts.findById(id).orElseThrow(() -> ParleyException.notFound("No user with id " + id + "."));
            targets.add(new UserRef(a.id(), a.username()));
        }
        locked(groupId, () -> {
            addNew(actor, live(groupId), targets, "They are members already.");
            return null;
        });
    }

    @Override
    public void transferOwnership(UserRef actor, long groupId, long newOwnerId) {
        locked(groupId, () -> {
            GroupView g = live(groupId);
            GroupMember next = g.member(newOwnerId)
                    .orElseThrow(() -> ParleyException.notFound("The new owner must be a member of the group."));
            store.setOwner(groupId, newOwnerId);
            cache.invalidate(groupId);
            messages.postGroupEvent(actor, groupId, g.memberIds(),
                    new GroupEvent("owner", null, List.of(next.username()), next.username()));
            return null;
        });
    }

    @Override
    public void postEvent(UserRef actor, long groupId, Object event) {
        GroupView g = live(groupId);
        messages.postGroupEvent(actor, groupId, g.memberIds(), event);
    }

    @Override
    public int cachedGroups() {
        return cache.size();
    }

    // ---- the request types -----------------------------------------------------------------------------

    long create(UserRef actor, String name, List<String> usernames) {
        checkName(name);
        List<UserRef> others = resolve(usernames).stream().filter(u -> u.id() != actor.id()).toList();
        onlyFriends(actor, others);
        List<GroupMember> members = new ArrayList<>();
        long now = clock.getAsLong();
        members.add(new GroupMember(actor.id(), actor.username(), now));
        others.forEach(u -> members.add(new GroupMember(u.id(), u.username(), now)));
        GroupView proposed = new GroupView(0, name, actor.id(), members);
        check(new GroupAction(Type.CREATE, actor, proposed, others));
        long id = store.create(name, actor.id(), proposed.memberIds(), now);
        messages.postGroupEvent(actor, id, proposed.memberIds(), new GroupEvent("created", name,
                members.stream().map(GroupMember::username).toList(), actor.username()));
        return id;
    }

    void add(UserRef actor, long groupId, List<String> usernames) {
        List<UserRef> targets = resolve(usernames);
        onlyFriends(actor, targets.stream().filter(u -> u.id() != actor.id()).toList());
        locked(groupId, () -> {
            addNew(actor, memberOnly(actor, groupId), targets, "All of them are members already.");
            return null;
        });
    }

    /** Adds those of the targets who are not members yet, if the rules allow; CONFLICT when none is new. */
    private void addNew(UserRef actor, GroupView g, List<UserRef> targets, String allMembers) {
        List<UserRef> fresh = targets.stream().filter(t -> !g.isMember(t.id())).toList();
        if (fresh.isEmpty()) {
            throw ParleyException.conflict(allMembers);
        }
        check(new GroupAction(Type.ADD, actor, g, fresh));
        add(actor, g, fresh);
    }

    private void add(UserRef actor, GroupView g, List<UserRef> fresh) {
        store.addMembers(g.groupId(), fresh.stream().map(UserRef::id).toList(), clock.getAsLong());
        cache.invalidate(g.groupId());
        List<Long> everyone = new ArrayList<>(g.memberIds());
        fresh.forEach(u -> everyone.add(u.id()));
        messages.postGroupEvent(actor, g.groupId(), everyone, GroupEvent.of("added", names(fresh)));
    }

    void remove(UserRef actor, long groupId, List<String> usernames) {
        List<UserRef> targets = resolve(usernames);
        locked(groupId, () -> {
            GroupView g = memberOnly(actor, groupId);
            if (targets.stream().anyMatch(t -> t.id() == actor.id())) {
                throw ParleyException.badRequest("To leave a group yourself, use GROUP_LEAVE.");
            }
            List<UserRef> members = targets.stream().filter(t -> g.isMember(t.id())).toList();
            if (members.isEmpty()) {
                throw ParleyException.notFound("None of them is a member of this group.");
            }
            check(new GroupAction(Type.REMOVE, actor, g, members));
            store.removeMembers(groupId, members.stream().map(UserRef::id).toList());
            cache.invalidate(groupId);
            rules.membersLeft(g, members.stream().map(UserRef::id).toList());
            // The removed hear it too: it is the last entry of the group in their inboxes.
            messages.postGroupEvent(actor, groupId, g.memberIds(), GroupEvent.of("removed", names(members)));
            return null;
        });
    }

    void leave(UserRef actor, long groupId) {
        locked(groupId, () -> {
            GroupView g = memberOnly(actor, groupId);
            check(new GroupAction(Type.LEAVE, actor, g, List.of(actor)));
            depart(actor, g, List.of(actor), "left");
            return null;
        });
    }

    /**
     * Members go without a rule asked (the user leaving, the operator removing, a deleted user): the group
     * dissolves when no one stays, and an owner who goes passes the group to the longest-standing member who
     * stays. The event ({@code type}: left or removed) reaches those who go too.
     */
    private void depart(UserRef actor, GroupView g, List<UserRef> leaving, String type) {
        long groupId = g.groupId();
        List<Long> ids = leaving.stream().map(UserRef::id).toList();
        List<GroupMember> staying = g.members().stream().filter(m -> !ids.contains(m.userId())).toList();
        if (staying.isEmpty()) {
            dissolveNow(actor, g);
            return;
        }
        store.removeMembers(groupId, ids);
        rules.membersLeft(g, ids);
        String newOwner = null;
        if (ids.contains(g.ownerId())) {
            // Members are oldest first: the longest-standing one who stays takes over.
            GroupMember next = staying.get(0);
            store.setOwner(groupId, next.userId());
            newOwner = next.username();
        }
        cache.invalidate(groupId);
        messages.postGroupEvent(actor, groupId, g.memberIds(), new GroupEvent(type, null, names(leaving), newOwner));
    }

    void dissolve(UserRef actor, long groupId) {
        locked(groupId, () -> {
            GroupView g = memberOnly(actor, groupId);
            check(new GroupAction(Type.DISSOLVE, actor, g, List.of()));
            dissolveNow(actor, g);
            return null;
        });
    }

    /** Dissolves the group (under its lock, its checks done): every member hears it, then it is gone. */
    private void dissolveNow(UserRef actor, GroupView g) {
        messages.postGroupEvent(actor, g.groupId(), g.memberIds(), GroupEvent.of("dissolved", List.of()));
        store.dissolve(g.groupId());
        cache.invalidate(g.groupId());
        rules.membersLeft(g, g.memberIds());
    }

    // ---- the operator's actions: no rule is asked, the actor is the server ----------------------------------

    /** The sender of the operator's group events: never a username, as usernames hold no '@'. */
    static final UserRef SERVER = new UserRef(0, "@server");

    /** The operator removes members (by username); NOT_FOUND when none of them is a member. */
    List<String> operatorRemove(long groupId, List<String> usernames) {
        List<UserRef> targets = resolve(usernames);
        return locked(groupId, () -> {
            GroupView g = live(groupId);
            List<UserRef> members = targets.stream().filter(t -> g.isMember(t.id())).toList();
            if (members.isEmpty()) {
                throw ParleyException.notFound("None of them is a member of group " + groupId + ".");
            }
            depart(SERVER, g, members, "removed");
            return names(members);
        });
    }

    /** The operator dissolves a group; NOT_FOUND when there is no such live group. */
    GroupView operatorDissolve(long groupId) {
        return locked(groupId, () -> {
            GroupView g = live(groupId);
            dissolveNow(SERVER, g);
            return g;
        });
    }

    /** A live group whole, with every member's role and the features' settings, for the operator. */
    GroupInfo operatorInfo(long groupId) {
        return info(live(groupId), null);
    }

    @Override
    public String name() {
        return "groups";
    }

    /** A deleted user leaves every group, as GROUP_LEAVE would, whatever the rules say; returns how many. */
    @Override
    public long forget(UserRef user) {
        long left = 0;
        for (GroupView mine : store.groupsOf(user.id())) {
            boolean went = locked(mine.groupId(), () -> {
                Optional<GroupView> g = find(mine.groupId());
                if (g.isEmpty() || !g.get().isMember(user.id())) {
                    return false;
                }
                depart(user, g.get(), List.of(user), "left");
                return true;
            });
            left += went ? 1 : 0;
        }
        return left;
    }

    /** The group and its members after username {@code after} (null: from the first), in username order. */
    GroupInfo info(UserRef actor, long groupId, String after) {
        return info(memberOnly(actor, groupId), after);
    }

    private GroupInfo info(GroupView g, String after) {
        Map<Long, String> roles = rules.roles(g);
        List<GroupInfo.Member> members = g.members().stream()
                .filter(m -> after == null || String.CASE_INSENSITIVE_ORDER.compare(m.username(), after) > 0)
                .sorted(Comparator.comparing(GroupMember::username, String.CASE_INSENSITIVE_ORDER))
                .map(m -> new GroupInfo.Member(m.username(), roles.get(m.userId())))
                .toList();
        String owner = g.member(g.ownerId()).map(GroupMember::username).orElse("");
        return new GroupInfo(g.groupId(), g.name(), owner, members, rules.settings(g));
    }

    /** The user's groups with a groupId above {@code after} (null: all), in groupId order. */
    GroupList list(long userId, Long after) {
        return new GroupList(store.groupsOf(userId).stream()
                .filter(g -> after == null || g.groupId() > after)
                .sorted(Comparator.comparingLong(GroupView::groupId))
                .map(g -> new GroupList.Entry(g.groupId(), g.name(), rules.roles(g).get(userId)))
                .toList());
    }

    Delivery send(UserRef actor, long groupId, String text, String cid) {
        return sendFiltered(actor, groupId, text, cid).delivery();
    }

    /** A group message as stored, and whether a message filter changed its text. */
    record Sent(Delivery delivery, boolean masked) {
    }

    /** GROUP_SEND: a member, if the rules allow, and the text as the message filters leave it. */
    Sent sendFiltered(UserRef actor, long groupId, String text, String cid) {
        GroupView g = memberOnly(actor, groupId);
        check(new GroupAction(Type.SEND, actor, g, List.of()));
        MessageFilter.Filtered f = MessageFilter.applyAll(filters, actor, null, groupId, text);
        return new Sent(messages.sendToGroup(actor, groupId, g.memberIds(), f.text(), cid), f.masked());
    }

    /** The installed message filters (the content-filter feature), applied to every GROUP_SEND before storing. */
    @Reference(cardinality = ReferenceCardinality.MULTIPLE, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY)
    private volatile List<MessageFilter> filters = List.of();

    /** True when the user is a member of the live group: HISTORY of a group is for members only. */
    boolean isMember(long userId, long groupId) {
        return find(groupId).map(g -> g.isMember(userId)).orElse(false);
    }

    // ---- policy and helpers ----------------------------------------------------------------------------

    /** The discussion-group rules, used when no installed rule allows or denies. */
    private Decision corePolicy(GroupAction action) {
        GroupView g = action.group();
        boolean owner = g.ownerId() == action.actor().id();
        return switch (action.type()) {
            case CREATE -> g.members().size() > maxMembers
                    ? Decision.deny("A group has at most " + maxMembers + " members.") : Decision.ALLOW;
            case ADD -> g.members().size() + action.targets().size() > maxMembers
                    ? Decision.deny("A group has at most " + maxMembers + " members.") : Decision.ALLOW;
            case REMOVE -> owner ? Decision.ALLOW : Decision.deny("Only the owner removes members.");
            case DISSOLVE -> owner ? Decision.ALLOW : Decision.deny("Only the owner dissolves the group.");
            case SETTINGS -> owner ? Decision.ALLOW : Decision.deny("Only the owner changes settings.");
            case JOIN -> Decision.deny("This group takes members by invitation only.");
            case LEAVE, SEND -> Decision.ALLOW;
        };
    }

    private GroupView live(long groupId) {
        return find(groupId).orElseThrow(() -> ParleyException.notFound("No group " + groupId + "."));
    }

    private GroupView memberOnly(UserRef actor, long groupId) {
        GroupView g = live(groupId);
        if (!g.isMember(actor.id())) {
            throw ParleyException.forbidden("You are not a member of group " + groupId + ".");
        }
        return g;
    }

    /** Usernames to users, duplicates dropped; NOT_FOUND naming every unknown one. */
    /**
     * With requireFriendship on, a member request may name only the actor's friends, as MSG_SEND may: a group
     * is no way around the friendship a 1:1 message needs. Joining by request (a feature's GROUP_JOIN) is
     * decided by the group's owner and admins instead.
     */
    private void onlyFriends(UserRef actor, List<UserRef> named) {
        if (!friendship.required() || named.isEmpty()) {
            return;
        }
        FriendService current = friends;
        if (current == null) {
            throw ParleyException.unavailable("Friendship cannot be checked right now; retry shortly.", null);
        }
        List<Long> mine = current.friendIds(actor.id());
        List<String> strangers = named.stream().filter(u -> !mine.contains(u.id())).map(UserRef::username).toList();
        if (!strangers.isEmpty()) {
            throw ParleyException.forbidden("You can add only your friends to a group; not: "
                    + String.join(", ", strangers) + ".");
        }
    }

    /**
     * The users named, each once; NOT_FOUND naming the unknown ones. At most {@code maxNamedPerRequest} names:
     * each may cost a database lookup, and the answer would otherwise enumerate usernames in bulk.
     */
    private List<UserRef> resolve(List<String> usernames) {
        if (usernames.size() > maxNamed) {
            throw ParleyException.badRequest("Name at most " + maxNamed + " members in one request.");
        }
        List<UserRef> found = new ArrayList<>();
        List<String> unknown = new ArrayList<>();
        for (String name : new LinkedHashSet<>(usernames)) {
            Optional<UserRef> a = accounts.findUser(name);
            if (a.isPresent()) {
                if (found.stream().noneMatch(u -> u.id() == a.get().id())) {
                    found.add(a.get());
                }
            } else {
                unknown.add(name);
            }
        }
        if (!unknown.isEmpty()) {
            throw ParleyException.notFound("No such users: " + String.join(", ", unknown) + ".");
        }
        return found;
    }

    private static List<String> names(List<UserRef> users) {
        return users.stream().map(UserRef::username).toList();
    }

    /** In UTF-16 units, as every store counts (H2 does), so a name that passes fits its column. */
    private static void checkName(String name) {
        if (name.isEmpty() || name.length() > MAX_NAME || name.isBlank()) {
            throw ParleyException.badRequest("A group name is 1 to " + MAX_NAME
                    + " characters (an emoji may count as two), not all blank.");
        }
    }

    private <T> T locked(long groupId, Supplier<T> action) {
        ReentrantLock lock = locks[(int) Math.floorMod(groupId, (long) locks.length)];
        lock.lock();
        try {
            if (cluster != null) {
                // Another node may have changed the group within clusterViewMs: a change decides on the store.
                cache.invalidate(groupId);
            }
            return action.get();
        } finally {
            lock.unlock();
        }
    }
}
