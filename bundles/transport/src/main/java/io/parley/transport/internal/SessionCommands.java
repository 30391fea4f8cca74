package io.parley.transport.internal;

import io.parley.api.admin.AdminCommand;
import io.parley.api.admin.AdminException;
import io.parley.api.admin.Parameter;
import io.parley.protocol.Types;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.osgi.framework.BundleContext;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;

/** The admin commands of this node's connections: {@code sessions.list}, {@code sessions.kick} and {@code stats}. */
@Component(immediate = true)
public final class SessionCommands {

    /** One logged-in device, as sessions.list shows it. */
    record Device(String username, String device, String address) {
    }

    private final AutoCloseable registrations;

    @Activate
    public SessionCommands(BundleContext context, @Reference ParleyServer server, @Reference SessionRegistry sessions,
            @Reference DeviceNotices notices) {
        Parameter username = Parameter.required("username", Parameter.Type.STRING, "the user");
        registrations = AdminCommand.registerAll(context, List.of(
                AdminCommand.of("sessions.list", "List the devices logged in on this node, for one user or all.",
                        List.of(Parameter.optional("username", Parameter.Type.STRING, "only this user's")), a -> {
                            String only = a.optionalString("username").map(u -> u.toLowerCase(Locale.ROOT)).orElse(null);
                            return sessions.sessions().stream()
                                    .filter(v -> only == null || v.username().toLowerCase(Locale.ROOT).equals(only))
                                    .map(v -> new Device(v.username(), v.device(), v.address()))
                                    .toList();
                        }),
                AdminCommand.of("sessions.kick", "End every session of a user on this node with a KICKED notice; "
                        + "its tokens stay valid.", List.of(username), a -> {
                            int ended = notices.endSessionsOf(a.string("username"), DeviceNotices.BY_OPERATOR);
                            if (ended == 0) {
                                throw new AdminException(AdminException.Kind.NOT_FOUND,
                                        "No session of '" + a.string("username") + "' on this node.");
                            }
                            return Map.of("ended", ended);
                        }),
                AdminCommand.of("stats", "Show this node's connections, sessions and the request types answered.",
                        List.of(), a -> {
                            List<SessionRegistry.SessionView> all = sessions.sessions();
                            return Map.of(
                                    "connections", server.connectionCount(),
                                    "sessions", all.size(),
                                    "users", SessionRegistry.users(all),
                                    "answers", server.handledTypes().stream().map(Types::name).toList());
                        })));
    }

    @Deactivate
    void deactivate() throws Exception {
        registrations.close();
    }
}
