package io.parley.feature.qqgroup.internal;

import io.parley.api.admin.AdminCommand;
import io.parley.api.admin.AdminException;
import io.parley.api.admin.Parameter;
import java.util.List;
import java.util.Map;
import org.osgi.framework.BundleContext;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;

/**
 * The QQ group actions for the operator, with an owner's powers on every group: {@code qq.set-role},
 * {@code qq.transfer}, {@code qq.mute}, {@code qq.mute-all} and {@code qq.settings}. They come and go with the
 * feature; each change lands in the members' inboxes as the same event the request type posts, from
 * {@code @server}.
 */
@Component(immediate = true)
public final class QqAdminCommands {

    private final AutoCloseable registrations;

    @Activate
    public QqAdminCommands(BundleContext context, @Reference QqActions qq) {
        Parameter groupId = Parameter.required("groupId", Parameter.Type.INTEGER, "the group's id");
        Parameter username = Parameter.required("username", Parameter.Type.STRING, "a member of the group");
        registrations = AdminCommand.registerAll(context, List.of(
                AdminCommand.of("qq.set-role", "Make a member of a QQ group an admin, or a plain member again.",
                        List.of(groupId, username, Parameter.required("role", Parameter.Type.STRING, "admin or member")),
                        a -> done(() -> qq.setRole(QqActions.OPERATOR, a.integer("groupId"), a.string("username"),
                                a.string("role")))),
                AdminCommand.of("qq.transfer", "Give a QQ group to another of its members.",
                        List.of(groupId, username),
                        a -> done(() -> qq.transfer(QqActions.OPERATOR, a.integer("groupId"), a.string("username")))),
                AdminCommand.of("qq.mute", "Mute a member of a QQ group for a while (0 seconds lifts it); the owner "
                        + "cannot be muted.", List.of(groupId, username, Parameter.required("seconds",
                                Parameter.Type.INTEGER, "how long, 0 to the feature's maxMuteSeconds")),
                        a -> done(() -> qq.mute(QqActions.OPERATOR, a.integer("groupId"), a.string("username"),
                                a.integer("seconds")))),
                AdminCommand.of("qq.mute-all", "Mute everyone in a QQ group but its owner and admins, or lift it.",
                        List.of(groupId, Parameter.required("on", Parameter.Type.BOOLEAN, "true mutes, false lifts it")),
                        a -> done(() -> qq.muteAll(QqActions.OPERATOR, a.integer("groupId"), a.flag("on", true)))),
                AdminCommand.of("qq.settings", "Set how a QQ group takes members and how many it may have.",
                        List.of(groupId, Parameter.optional("joinMode", Parameter.Type.STRING, "open, approval, invite "
                                        + "or closed"),
                                Parameter.optional("maxMembers", Parameter.Type.INTEGER, "the members now to the "
                                        + "feature's maxMembersLimit")), a -> {
                            Long max = a.optionalInteger("maxMembers").orElse(null);
                            if (max != null && (max < 1 || max > Integer.MAX_VALUE)) {
                                throw new AdminException(AdminException.Kind.BAD_ARGUMENT,
                                        "'maxMembers' is out of range.");
                            }
                            return done(() -> qq.settings(QqActions.OPERATOR, a.integer("groupId"),
                                    a.optionalString("joinMode").orElse(null), max == null ? null : max.intValue()));
                        })));
    }

    /** Runs an action that answers nothing; its refusal keeps its sentence. */
    private static Map<String, Boolean> done(Runnable action) {
        return AdminException.refusing(() -> {
            action.run();
            return Map.of("done", true);
        });
    }

    @Deactivate
    void deactivate() throws Exception {
        registrations.close();
    }
}
