package io.parley.api.group;

import io.parley.api.account.UserRef;
import java.util.List;

/**
 * An action about to happen to a group, put to every {@link GroupRule} first.
 *
 * @param type    what is about to happen
 * @param actor   who does it
 * @param group   the group before the action (for CREATE: the group as it would be created, id 0)
 * @param targets the users it is done to: added or removed members; empty where it does not apply
 */
public record GroupAction(Type type, UserRef actor, GroupView group, List<UserRef> targets) {

    public enum Type {
        CREATE, ADD, REMOVE, LEAVE, SEND, DISSOLVE, SETTINGS, JOIN
    }

    public GroupAction {
        targets = List.copyOf(targets);
    }
}
