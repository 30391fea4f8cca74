package io.parley.friends.internal;

import io.parley.api.ParleyException;
import io.parley.api.account.Account;
import io.parley.api.account.AccountService;
import io.parley.api.account.UserData;
import io.parley.api.account.UserRef;
import io.parley.api.friend.FriendAddResponse;
import io.parley.api.friend.FriendEvent;
import io.parley.api.friend.FriendList;
import io.parley.api.friend.FriendService;
import io.parley.api.friend.Presence;
import io.parley.api.session.PresenceService;
import io.parley.api.session.PushService;
import io.parley.api.session.Session;
import io.parley.api.session.SessionListener;
import io.parley.api.store.FriendStore;
import io.parley.api.store.FriendStore.Named;
import io.parley.api.store.FriendStore.Pending;
import io.parley.protocol.Types;
import java.util.Comparator;
import java.util.List;
import java.util.function.LongSupplier;
import java.util.function.Predicate;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferencePolicyOption;

/** The friendship rules, and presence: it hears sessions come and go and tells the friends. */
@Component(service = {FriendService.class, SessionListener.class, UserData.class, FriendBook.class}, immediate = true)
public final class FriendBook implements FriendService, SessionListener, UserData {

    static final int MAX_NOTE = 256;

    private final FriendStore store;
    private final AccountService accounts;
    private final PushService push;
    private final PresenceService presence;
    private final LongSupplier clock;

    @Activate
    public FriendBook(@Reference FriendStore store, @Reference AccountService accounts, @Reference PushService push,
            @Reference(policyOption = ReferencePolicyOption.GREEDY) PresenceService presence) {
        this(store, accounts, push, presence, System::currentTimeMillis);
    }

    FriendBook(FriendStore store, AccountService accounts, PushService push, PresenceService presence,
            LongSupplier clock) {
        this.store = store;
        this.accounts = accounts;
        this.push = push;
        this.presence = presence;
        this.clock = clock;
    }

    @Override
    public boolean areFriends(long userA, long userB) {
        return store.areFriends(userA, userB);
    }

    @Override
    public List<Long> friendIds(long userId) {
        return store.friends(userId).stream().map(Named::userId).toList();
    }

    FriendAddResponse add(Session me, String username, String note) {
        String text = note == null ? "" : note;
        // UTF-16 units, as every store counts (H2 does; an emoji counts as two), so a note that passes fits.
        if (text.length() > MAX_NOTE) {
            throw ParleyException.badRequest("A note may be at most " + MAX_NOTE + " characters (an emoji may count as two).");
        }
        Account other = other(me, username);
        if (store.areFriends(me.userId(), other.id())) {
            throw ParleyException.conflict("You and " + other.username() + " are friends already.");
        }
        if (store.request(other.id(), me.userId()).isPresent()) {
            // They asked first: asking back is accepting.
            befriend(me, other);
            return new FriendAddResponse(FriendAddResponse.FRIENDS);
        }
        if (store.addRequest(me.userId(), other.id(), text, clock.getAsLong())) {
            if (push.push(other.id(), Types.FRIEND_EVENT,
                    new FriendEvent(FriendEvent.REQUEST, me.username(), text)) > 0) {
                store.markNotified(me.userId(), other.id());
            }
        }
        return new FriendAddResponse(FriendAddResponse.PENDING);
    }

    void accept(Session me, String username) {
        Account other = other(me, username);
        if (store.request(other.id(), me.userId()).isEmpty()) {
            throw ParleyException.notFound(other.username() + " has not asked to be your friend.");
        }
        befriend(me, other);
    }

    private void befriend(Session me, Account other) {
        store.makeFriends(me.userId(), other.id(), clock.getAsLong());
        push.push(other.id(), Types.FRIEND_EVENT, new FriendEvent(FriendEvent.ACCEPTED, me.username(), null));
        // Each now sees the other's presence, as FRIEND_LIST would show it.
        if (presence.isOnline(other.id())) {
            push.push(me.userId(), Types.PRESENCE, new Presence(other.username(), true, null));
            push.push(other.id(), Types.PRESENCE, new Presence(me.username(), true, me.device()));
        }
    }

    void reject(Session me, String username) {
        Account other = other(me, username);
        if (!store.removeRequest(other.id(), me.userId())) {
            throw ParleyException.notFound(other.username() + " has not asked to be your friend.");
        }
        push.push(other.id(), Types.FRIEND_EVENT, new FriendEvent(FriendEvent.REJECTED, me.username(), null));
    }

    void remove(Session me, String username) {
        Account other = other(me, username);
        if (!store.removeFriends(me.userId(), other.id())) {
            throw ParleyException.notFound(other.username() + " is not your friend.");
        }
        push.push(other.id(), Types.FRIEND_EVENT, new FriendEvent(FriendEvent.REMOVED, me.username(), null));
    }

    /** The user's friends and requests with a username after {@code after} (null: all), in username order. */
    FriendList list(long userId, String after) {
        Predicate<String> wanted = name -> after == null || String.CASE_INSENSITIVE_ORDER.compare(name, after) > 0;
        List<FriendList.Friend> friends = store.friends(userId).stream()
                .filter(f -> wanted.test(f.username()))
                .map(f -> new FriendList.Friend(f.username(), f.nickname(), presence.isOnline(f.userId())))
                .sorted(Comparator.comparing(FriendList.Friend::username, String.CASE_INSENSITIVE_ORDER))
                .toList();
        List<FriendList.Incoming> incoming = store.incoming(userId).stream()
                .filter(p -> wanted.test(p.fromName()))
                .map(p -> new FriendList.Incoming(p.fromName(), p.note()))
                .sorted(Comparator.comparing(FriendList.Incoming::username, String.CASE_INSENSITIVE_ORDER))
                .toList();
        List<String> outgoing = store.outgoing(userId).stream().map(Pending::toName).filter(wanted)
                .sorted(String.CASE_INSENSITIVE_ORDER)
                .toList();
        return new FriendList(friends, incoming, outgoing);
    }

    @Override
    public String name() {
        return "friends";
    }

    /**
     * A deleted user's friendships and friend requests, both ways: each friend is told REMOVED, as when the user
     * removes them; requests go without a word.
     */
    @Override
    public long forget(UserRef user) {
        long gone = 0;
        for (Named friend : store.friends(user.id())) {
            if (store.removeFriends(user.id(), friend.userId())) {
                gone++;
                push.push(friend.userId(), Types.FRIEND_EVENT, new FriendEvent(FriendEvent.REMOVED, user.username(), null));
            }
        }
        for (Pending request : store.incoming(user.id())) {
            gone += store.removeRequest(request.fromId(), user.id()) ? 1 : 0;
        }
        for (Pending request : store.outgoing(user.id())) {
            gone += store.removeRequest(user.id(), request.toId()) ? 1 : 0;
        }
        return gone;
    }

    private Account other(Session me, String username) {
        Account other = accounts.findByUsername(username)
                .orElseThrow(() -> ParleyException.notFound("No user is called '" + username + "'."));
        if (other.id() == me.userId()) {
            throw ParleyException.badRequest("That is you.");
        }
        return other;
    }

    @Override
    public void sessionOpened(Session session, boolean firstDevice) {
        for (Pending request : store.incoming(session.userId())) {
            if (!request.notified() && push.push(session.userId(), Types.FRIEND_EVENT,
                    new FriendEvent(FriendEvent.REQUEST, request.fromName(), request.note())) > 0) {
                store.markNotified(request.fromId(), session.userId());
            }
        }
        if (firstDevice) {
            tellFriends(session, true);
        }
    }

    @Override
    public void sessionClosed(Session session, boolean lastDevice) {
        if (lastDevice) {
            tellFriends(session, false);
        }
    }

    private void tellFriends(Session session, boolean online) {
        Presence notice = new Presence(session.username(), online, session.device());
        for (Named friend : store.friends(session.userId())) {
            push.push(friend.userId(), Types.PRESENCE, notice);
        }
    }
}
