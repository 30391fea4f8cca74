package io.parley.groups.internal;

import io.parley.api.admin.AdminCommand;
import io.parley.api.admin.AdminException;
import io.parley.api.admin.Parameter;
import io.parley.api.group.GroupInfo;
import io.parley.api.group.GroupView;
import io.parley.api.store.GroupStore;
import java.util.List;
import java.util.Map;
import org.osgi.framework.BundleContext;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;

/**
 * The operator's group commands: {@code groups.list}, {@code groups.info}, {@code groups.dissolve} and
 * {@code groups.remove-member}. They ask no group rule (the operator is above the owner); what they change lands
 * in the members' inboxes as events from {@code @server}.
 */
@Component(immediate = true)
public final class GroupAdminCommands {

    /** Most groups one groups.list answers. */
    static final int MAX_PAGE = 500;

    /** A page of groups.list, with the cursor for the next. */
    record Page(List<GroupStore.Listed> groups, Long next) {
    }

    private final AutoCloseable registrations;

    @Activate
    public GroupAdminCommands(BundleContext context, @Reference GroupDirectory groups, @Reference GroupStore store) {
        Parameter groupId = Parameter.required("groupId", Parameter.Type.INTEGER, "the group's id");
        registrations = AdminCommand.registerAll(context, List.of(
                AdminCommand.of("groups.list", "List live groups by id, a page at a time, with their owner's id and "
                        + "size.", List.of(
                                Parameter.optional("after", Parameter.Type.INTEGER, "the page's cursor: the last groupId "
                                        + "of the page before (its `next`)"),
                                Parameter.limit(MAX_PAGE, 100)), a -> {
                            int limit = a.limit(MAX_PAGE, 100);
                            List<GroupStore.Listed> page = store.list(a.optionalInteger("after").orElse(0L),
                                    limit + 1);
                            List<GroupStore.Listed> shown = page.stream().limit(limit).toList();
                            return new Page(shown, page.size() > limit ? shown.get(shown.size() - 1).groupId() : null);
                        }),
                AdminCommand.of("groups.info", "Show a group: its name, owner, every member with their role, and what "
                        + "installed features set on it.", List.of(groupId),
                        a -> AdminException.refusing(() -> groups.operatorInfo(a.integer("groupId")))),
                AdminCommand.of("groups.dissolve", "Dissolve a group; every member gets the event in their inbox.",
                        List.of(groupId), a -> {
                            GroupView g = AdminException.refusing(() -> groups.operatorDissolve(a.integer("groupId")));
                            return Map.of("groupId", g.groupId(), "name", g.name(), "members", g.members().size());
                        }),
                AdminCommand.of("groups.remove-member", "Remove members from a group, the owner too (the longest-"
                        + "standing member who stays takes over; a group no one stays in is dissolved).",
                        List.of(groupId, Parameter.required("usernames", Parameter.Type.STRINGS, "who to remove")),
                        a -> {
                            List<String> usernames = a.strings("usernames");
                            if (usernames.isEmpty()) {
                                throw new AdminException(AdminException.Kind.BAD_ARGUMENT,
                                        "'usernames' must name at least one user.");
                            }
                            return Map.of("removed", AdminException.refusing(() -> groups.operatorRemove(a.integer("groupId"),
                                    usernames)));
                        })));
    }

    @Deactivate
    void deactivate() throws Exception {
        registrations.close();
    }
}
