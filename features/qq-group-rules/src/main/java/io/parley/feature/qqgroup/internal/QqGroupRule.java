package io.parley.feature.qqgroup.internal;

import io.parley.api.group.Decision;
import io.parley.api.group.GroupAction;
import io.parley.api.group.GroupRule;
import io.parley.api.group.GroupView;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.function.LongSupplier;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;

/**
 * The QQ policy, replacing the discussion-group one while installed: owner and admins manage, muted members
 * are silent, the join mode decides who gets in, and the group's own cap holds on every way in.
 */
@Component(service = GroupRule.class)
public final class QqGroupRule implements GroupRule {

    private final QqGroups qq;
    private final LongSupplier clock;

    @Activate
    public QqGroupRule(@Reference QqGroups qq) {
        this(qq, System::currentTimeMillis);
    }

    QqGroupRule(QqGroups qq, LongSupplier clock) {
        this.qq = qq;
        this.clock = clock;
    }

    @Override
    public Decision check(GroupAction action) {
        GroupView g = action.group();
        if (action.type() == GroupAction.Type.CREATE) {
            int cap = qq.config.defaultMaxMembers();
            return g.members().size() > cap ? Decision.deny("A group has at most " + cap + " members.") : Decision.ALLOW;
        }
        QqState s = qq.state(g.groupId());
        Rank actor = s.rank(g, action.actor().id());
        return switch (action.type()) {
            case ADD, JOIN -> admit(action, g, s, actor);
            case REMOVE -> remove(action, g, s, actor);
            case SEND -> send(s, actor, action.actor().id());
            case DISSOLVE -> actor == Rank.OWNER ? Decision.ALLOW : Decision.deny("Only the owner dissolves the group.");
            case SETTINGS -> actor == Rank.OWNER ? Decision.ALLOW : Decision.deny("Only the owner changes settings.");
            default -> Decision.ABSTAIN;
        };
    }

    private static Decision admit(GroupAction action, GroupView g, QqState s, Rank actor) {
        if (s.joinMode() == JoinMode.CLOSED) {
            return Decision.deny("This group is closed to new members.");
        }
        boolean manager = actor.atLeast(Rank.ADMIN);
        if (action.type() == GroupAction.Type.ADD && s.joinMode() == JoinMode.INVITE && !manager) {
            return Decision.deny("Only the owner and admins add members to this group.");
        }
        if (action.type() == GroupAction.Type.JOIN && (s.joinMode() == JoinMode.INVITE)) {
            return Decision.deny("This group takes members by invitation only.");
        }
        if (g.members().size() + action.targets().size() > s.maxMembers()) {
            return Decision.deny("This group is full: at most " + s.maxMembers() + " members.");
        }
        return Decision.ALLOW;
    }

    private static Decision remove(GroupAction action, GroupView g, QqState s, Rank actor) {
        if (actor == Rank.OWNER) {
            return Decision.ALLOW;
        }
        if (actor != Rank.ADMIN) {
            return Decision.deny("Only the owner and admins remove members.");
        }
        boolean protectedTarget = action.targets().stream()
                .anyMatch(t -> s.rank(g, t.id()).atLeast(Rank.ADMIN));
        return protectedTarget ? Decision.deny("An admin cannot remove the owner or another admin.") : Decision.ALLOW;
    }

    private Decision send(QqState s, Rank actor, long userId) {
        long now = clock.getAsLong();
        if (s.isMuted(userId, now)) {
            return Decision.deny("You are muted in this group until " + Instant.ofEpochMilli(s.mutedUntil().get(userId)) + ".");
        }
        if (s.muteAll() && !actor.atLeast(Rank.ADMIN)) {
            return Decision.deny("The whole group is muted; only the owner and admins speak.");
        }
        return Decision.ABSTAIN;
    }

    @Override
    public void roles(GroupView group, Map<Long, String> roles) {
        for (long admin : qq.state(group.groupId()).admins()) {
            if (admin != group.ownerId() && roles.containsKey(admin)) {
                roles.put(admin, "admin");
            }
        }
    }

    @Override
    public void describe(GroupView group, Map<String, Object> settings) {
        QqState s = qq.state(group.groupId());
        settings.put("joinMode", s.joinMode().wire());
        settings.put("maxMembers", s.maxMembers());
        settings.put("muteAll", s.muteAll());
    }

    /** A member who leaves or is removed loses the role, the mute and any pending request with it. */
    @Override
    public void membersLeft(GroupView group, List<Long> userIds) {
        for (long userId : userIds) {
            qq.forget(group.groupId(), userId);
        }
    }
}
