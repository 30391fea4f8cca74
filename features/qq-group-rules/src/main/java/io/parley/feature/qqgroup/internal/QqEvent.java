package io.parley.feature.qqgroup.internal;

import java.util.List;

/**
 * The {@code event} of a QQ event entry. {@code type}: role, muted, muteAll, settings, joinRequest or
 * joinRejected; the other fields as they apply (null ones are left out). {@code until} is epoch ms, 0 when a
 * mute was lifted.
 */
record QqEvent(String type, List<String> members, String role, Long until, Boolean on, String joinMode,
        Integer maxMembers, String note) {

    static QqEvent of(String type, String member) {
        return new QqEvent(type, List.of(member), null, null, null, null, null, null);
    }
}
