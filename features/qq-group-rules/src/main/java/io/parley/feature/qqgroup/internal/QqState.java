package io.parley.feature.qqgroup.internal;

import io.parley.api.group.GroupView;
import java.util.Map;
import java.util.Set;

/**
 * A QQ group's own data at one moment.
 *
 * @param mutedUntil user id to the end of its mute, epoch ms (absolute, so a mute survives restarts)
 * @param joinRequests user id to the note of its pending GROUP_JOIN
 */
record QqState(JoinMode joinMode, int maxMembers, boolean muteAll, Set<Long> admins, Map<Long, Long> mutedUntil,
        Map<Long, String> joinRequests) {

    Rank rank(GroupView g, long userId) {
        if (g.ownerId() == userId) {
            return Rank.OWNER;
        }
        if (!g.isMember(userId)) {
            return Rank.NONE;
        }
        return admins.contains(userId) ? Rank.ADMIN : Rank.MEMBER;
    }

    boolean isMuted(long userId, long now) {
        Long until = mutedUntil.get(userId);
        return until != null && until > now;
    }
}
