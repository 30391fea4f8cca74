package io.parley.groups.internal;

import io.parley.api.ParleyException;
import io.parley.api.group.Decision;
import io.parley.api.group.GroupAction;
import io.parley.api.group.GroupRule;
import io.parley.api.group.GroupService;
import io.parley.api.group.GroupView;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Asks every registered rule about an action: any DENY refuses it, else any ALLOW permits it, else the core
 * policy decides. A rule that throws is logged and counts as a DENY, so a broken feature fails closed.
 */
final class GroupRuleChain {

    private static final Logger LOG = LoggerFactory.getLogger(GroupRuleChain.class);

    private final List<GroupRule> rules = new CopyOnWriteArrayList<>();

    void add(GroupRule rule) {
        rules.add(rule);
    }

    void remove(GroupRule rule) {
        rules.remove(rule);
    }

    /** Permits the action or throws FORBIDDEN with the reason. */
    void decide(GroupAction action, Function<GroupAction, Decision> corePolicy) {
        boolean allowed = false;
        for (GroupRule rule : rules) {
            Decision d;
            try {
                d = rule.check(action);
            } catch (RuntimeException e) {
                LOG.error("Group rule {} failed on {}", rule, action.type(), e);
                d = Decision.deny("A group rule failed; the action was refused.");
            } catch (LinkageError e) {
                throw replaced(rule, e);
            }
            if (d.verdict() == Decision.Verdict.DENY) {
                throw ParleyException.forbidden(d.reason());
            }
            allowed |= d.verdict() == Decision.Verdict.ALLOW;
        }
        if (!allowed) {
            Decision core = corePolicy.apply(action);
            if (core.verdict() == Decision.Verdict.DENY) {
                throw ParleyException.forbidden(core.reason());
            }
        }
    }

    /** Every member's role: owner or member, as adjusted by the rules. */
    Map<Long, String> roles(GroupView group) {
        Map<Long, String> roles = new LinkedHashMap<>();
        for (long id : group.memberIds()) {
            roles.put(id, id == group.ownerId() ? GroupService.OWNER : GroupService.MEMBER);
        }
        for (GroupRule rule : rules) {
            try {
                rule.roles(group, roles);
            } catch (LinkageError e) {
                throw replaced(rule, e);
            }
        }
        return roles;
    }

    /** Tells every rule who stopped being a member; a rule that throws is logged and the others still hear it. */
    void membersLeft(GroupView group, List<Long> userIds) {
        for (GroupRule rule : rules) {
            try {
                rule.membersLeft(group, userIds);
            } catch (RuntimeException | LinkageError e) {
                LOG.error("Group rule {} failed to forget members {} of group {}", rule, userIds, group.groupId(), e);
            }
        }
    }

    Map<String, Object> settings(GroupView group) {
        Map<String, Object> settings = new LinkedHashMap<>();
        for (GroupRule rule : rules) {
            try {
                rule.describe(group, settings);
            } catch (LinkageError e) {
                throw replaced(rule, e);
            }
        }
        return settings;
    }

    /**
     * A rule whose bundle is being updated or removed loses its classes mid-call: the action waits for the rule's
     * replacement (UNAVAILABLE, retried with the same cid) rather than go ahead without the rule or answer INTERNAL.
     */
    private static ParleyException replaced(GroupRule rule, LinkageError e) {
        LOG.info("Group rule {} is being replaced ({}); the request answers UNAVAILABLE", rule, e.toString());
        return ParleyException.unavailable("A group rule is being replaced; retry shortly.", null);
    }
}
