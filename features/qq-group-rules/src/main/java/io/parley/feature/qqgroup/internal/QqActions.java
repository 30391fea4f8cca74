package io.parley.feature.qqgroup.internal;

import io.parley.api.ParleyException;
import io.parley.api.account.Account;
import io.parley.api.account.AccountService;
import io.parley.api.account.UserRef;
import io.parley.api.group.GroupAction;
import io.parley.api.group.GroupService;
import io.parley.api.group.GroupView;
import io.parley.api.message.MessageService;
import io.parley.feature.qqgroup.JoinResponse;
import io.parley.protocol.Status;
import java.util.ArrayList;
import java.util.List;
import java.util.function.LongSupplier;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;

/** What the QQ request types do, with who may do it. Every change is posted as an event entry. */
@Component(service = QqActions.class)
public final class QqActions {

    static final int MAX_NOTE = 256;

    /**
     * The server's operator, acting through the admin commands with an owner's powers on every group. Only this
     * instance is: no request can bring it, as a session's user always has its own id and name (ids start at 1,
     * and names hold no '@').
     */
    static final UserRef OPERATOR = new UserRef(0, "@server");

    private final QqGroups qq;
    private final GroupService groups;
    private final AccountService accounts;
    private final MessageService messages;
    private final LongSupplier clock = System::currentTimeMillis;

    @Activate
    public QqActions(@Reference QqGroups qq, @Reference GroupService groups, @Reference AccountService accounts,
            @Reference MessageService messages) {
        this.qq = qq;
        this.groups = groups;
        this.accounts = accounts;
        this.messages = messages;
    }

    void setRole(UserRef me, long groupId, String username, String role) {
        if (!"admin".equals(role) && !"member".equals(role)) {
            throw ParleyException.badRequest("'role' must be admin or member.");
        }
        GroupView g = group(groupId);
        require(g, me, Rank.OWNER, "Only the owner sets roles.");
        Account target = member(g, username);
        if (target.id() == g.ownerId()) {
            throw ParleyException.badRequest("The owner's role cannot change; transfer the group instead.");
        }
        qq.setAdmin(groupId, target.id(), "admin".equals(role));
        post(me, g, new QqEvent("role", List.of(target.username()), role, null, null, null, null, null));
    }

    void transfer(UserRef me, long groupId, String username) {
        GroupView g = group(groupId);
        require(g, me, Rank.OWNER, "Only the owner transfers the group.");
        Account target = member(g, username);
        if (target.id() == me.id()) {
            throw ParleyException.badRequest("You own the group already.");
        }
        qq.setAdmin(groupId, target.id(), false);
        groups.transferOwnership(me, groupId, target.id());
    }

    void mute(UserRef me, long groupId, String username, long seconds) {
        if (seconds < 0 || seconds > qq.config.maxMuteSeconds()) {
            throw ParleyException.badRequest("'seconds' must be 0 to " + qq.config.maxMuteSeconds() + ".");
        }
        GroupView g = group(groupId);
        QqState s = qq.state(groupId);
        Rank actor = require(g, me, Rank.ADMIN, "Only the owner and admins mute members.");
        Account target = member(g, username);
        Rank rank = s.rank(g, target.id());
        if (rank == Rank.OWNER) {
            throw ParleyException.forbidden("The owner cannot be muted.");
        }
        if (actor == Rank.ADMIN && rank == Rank.ADMIN) {
            throw ParleyException.forbidden("Admins mute plain members only.");
        }
        long until = 0;
        if (seconds == 0) {
            qq.unmute(groupId, target.id());
        } else {
            until = clock.getAsLong() + seconds * 1000;
            qq.mute(groupId, target.id(), until);
        }
        post(me, g, new QqEvent("muted", List.of(target.username()), null, until, null, null, null, null));
    }

    void muteAll(UserRef me, long groupId, boolean on) {
        GroupView g = group(groupId);
        require(g, me, Rank.ADMIN, "Only the owner and admins mute the group.");
        qq.muteAll(groupId, on);
        post(me, g, new QqEvent("muteAll", null, null, null, on, null, null, null));
    }

    void settings(UserRef me, long groupId, String joinMode, Integer maxMembers) {
        if (joinMode == null && maxMembers == null) {
            throw ParleyException.badRequest("Give 'joinMode', 'maxMembers' or both.");
        }
        JoinMode mode = joinMode == null ? null : JoinMode.parse(joinMode);
        GroupView g = group(groupId);
        require(g, me, Rank.OWNER, "Only the owner changes settings.");
        if (maxMembers != null && (maxMembers < g.members().size() || maxMembers > qq.config.maxMembersLimit())) {
            throw ParleyException.badRequest("'maxMembers' must be " + g.members().size() + " (the members now) to "
                    + qq.config.maxMembersLimit() + ".");
        }
        if (me != OPERATOR) {
            groups.check(new GroupAction(GroupAction.Type.SETTINGS, me, g, List.of()));
        }
        if (mode != null) {
            qq.joinMode(groupId, mode);
        }
        if (maxMembers != null) {
            qq.maxMembers(groupId, maxMembers);
        }
        QqState s = qq.state(groupId);
        post(me, g, new QqEvent("settings", null, null, null, null, s.joinMode().wire(), s.maxMembers(), null));
    }

    String join(UserRef me, long groupId, String note) {
        String text = note == null ? "" : note;
        if (text.codePointCount(0, text.length()) > MAX_NOTE) {
            throw ParleyException.badRequest("A note may be at most " + MAX_NOTE + " characters.");
        }
        GroupView g = group(groupId);
        if (g.isMember(me.id())) {
            throw ParleyException.conflict("You are a member already.");
        }
        groups.check(new GroupAction(GroupAction.Type.JOIN, me, g, List.of(me)));
        QqState s = qq.state(groupId);
        if (s.joinRequests().containsKey(me.id())) {
            throw ParleyException.conflict("You asked to join this group already; its owner or admins decide.");
        }
        if (s.joinMode() == JoinMode.OPEN) {
            groups.addMembers(me, groupId, List.of(me.id()));
            return JoinResponse.JOINED;
        }
        qq.addJoinRequest(groupId, me.id(), text);
        List<Long> deciders = new ArrayList<>(s.admins());
        deciders.add(g.ownerId());
        messages.postGroupEvent(me, groupId, deciders.stream().filter(g::isMember).distinct().toList(),
                new QqEvent("joinRequest", List.of(me.username()), null, null, null, null, null, text));
        return JoinResponse.PENDING;
    }

    void decide(UserRef me, long groupId, String username, boolean approve) {
        GroupView g = group(groupId);
        require(g, me, Rank.ADMIN, "Only the owner and admins decide join requests.");
        Account target = accounts.findByUsername(username)
                .orElseThrow(() -> ParleyException.notFound("No user is called '" + username + "'."));
        if (!qq.state(groupId).joinRequests().containsKey(target.id())) {
            throw ParleyException.notFound(target.username() + " has not asked to join this group.");
        }
        if (g.isMember(target.id())) {
            // Added meanwhile by GROUP_ADD: the request is answered, and nobody is told it was rejected.
            qq.removeJoinRequest(groupId, target.id());
            throw ParleyException.conflict(target.username() + " is a member already; the request is closed.");
        }
        if (approve) {
            try {
                groups.addMembers(me, groupId, List.of(target.id()));
            } catch (ParleyException e) {
                if (e.status() == Status.CONFLICT) {
                    // A member already, which this node's view of the group did not show yet.
                    qq.removeJoinRequest(groupId, target.id());
                }
                throw e;
            }
        } else {
            messages.postGroupEvent(me, groupId, List.of(target.id()), QqEvent.of("joinRejected", target.username()));
        }
        qq.removeJoinRequest(groupId, target.id());
    }

    private GroupView group(long groupId) {
        return groups.find(groupId).orElseThrow(() -> ParleyException.notFound("No group " + groupId + "."));
    }

    /** The actor's rank, if it is at least {@code needed}; FORBIDDEN otherwise. */
    private Rank require(GroupView g, UserRef me, Rank needed, String refusal) {
        if (me == OPERATOR) {
            return Rank.OWNER;
        }
        Rank rank = qq.state(g.groupId()).rank(g, me.id());
        if (rank == Rank.NONE) {
            throw ParleyException.forbidden("You are not a member of group " + g.groupId() + ".");
        }
        if (!rank.atLeast(needed)) {
            throw ParleyException.forbidden(refusal);
        }
        return rank;
    }

    private Account member(GroupView g, String username) {
        Account a = accounts.findByUsername(username)
                .orElseThrow(() -> ParleyException.notFound("No user is called '" + username + "'."));
        if (!g.isMember(a.id())) {
            throw ParleyException.notFound(a.username() + " is not a member of this group.");
        }
        return a;
    }

    private void post(UserRef me, GroupView g, QqEvent event) {
        groups.postEvent(me, g.groupId(), event);
    }
}
