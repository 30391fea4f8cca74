package io.parley.feature.qqgroup.internal;

import io.parley.api.store.AttributeStore;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.metatype.annotations.Designate;

/**
 * Reads and writes the QQ data of groups in the attribute store, namespace "qq". Group-level values sit on
 * user id 0: joinMode, maxMembers, muteAll; member values: role (admin), muteUntil, joinRequest (the note).
 */
@Component(service = QqGroups.class, configurationPid = "io.parley.feature.qqgroup",
        configurationPolicy = ConfigurationPolicy.OPTIONAL)
@Designate(ocd = QqConfiguration.class)
public final class QqGroups {

    static final String NS = "qq";
    private static final long GROUP = 0;

    final QqConfiguration config;
    private final AttributeStore attributes;

    @Activate
    public QqGroups(QqConfiguration config, @Reference AttributeStore attributes) {
        this.config = config;
        this.attributes = attributes;
    }

    QqState state(long groupId) {
        Map<Long, Map<String, String>> all = attributes.all(NS, groupId);
        Map<String, String> group = all.getOrDefault(GROUP, Map.of());
        Set<Long> admins = new HashSet<>();
        Map<Long, Long> muted = new HashMap<>();
        Map<Long, String> requests = new HashMap<>();
        all.forEach((user, values) -> {
            if (user == GROUP) {
                return;
            }
            if ("admin".equals(values.get("role"))) {
                admins.add(user);
            }
            if (values.containsKey("muteUntil")) {
                muted.put(user, Long.parseLong(values.get("muteUntil")));
            }
            if (values.containsKey("joinRequest")) {
                requests.put(user, values.get("joinRequest"));
            }
        });
        JoinMode mode = JoinMode.parse(group.getOrDefault("joinMode", config.defaultJoinMode()));
        int max = Integer.parseInt(group.getOrDefault("maxMembers", Integer.toString(config.defaultMaxMembers())));
        return new QqState(mode, max, Boolean.parseBoolean(group.get("muteAll")), admins, muted, requests);
    }

    void setAdmin(long groupId, long userId, boolean admin) {
        if (admin) {
            attributes.put(NS, groupId, userId, "role", "admin");
        } else {
            attributes.remove(NS, groupId, userId, "role");
        }
    }

    void mute(long groupId, long userId, long untilMs) {
        attributes.put(NS, groupId, userId, "muteUntil", Long.toString(untilMs));
    }

    void unmute(long groupId, long userId) {
        attributes.remove(NS, groupId, userId, "muteUntil");
    }

    void muteAll(long groupId, boolean on) {
        attributes.put(NS, groupId, GROUP, "muteAll", Boolean.toString(on));
    }

    void joinMode(long groupId, JoinMode mode) {
        attributes.put(NS, groupId, GROUP, "joinMode", mode.wire());
    }

    void maxMembers(long groupId, int max) {
        attributes.put(NS, groupId, GROUP, "maxMembers", Integer.toString(max));
    }

    void addJoinRequest(long groupId, long userId, String note) {
        attributes.put(NS, groupId, userId, "joinRequest", note);
    }

    void removeJoinRequest(long groupId, long userId) {
        attributes.remove(NS, groupId, userId, "joinRequest");
    }

    /** Everything kept about a member of the group: role, mute, pending request. */
    void forget(long groupId, long userId) {
        for (String name : new String[] {"role", "muteUntil", "joinRequest"}) {
            attributes.remove(NS, groupId, userId, name);
        }
    }
}
