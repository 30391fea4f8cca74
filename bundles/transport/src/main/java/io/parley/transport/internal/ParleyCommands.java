package io.parley.transport.internal;

import io.parley.protocol.Types;
import java.util.List;
import java.util.stream.Collectors;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;

/**
 * The operator's commands at the Gogo console: {@code parley:status}, {@code parley:sessions} and
 * {@code parley:kick <username>}. Gogo finds them by the {@code osgi.command.*} properties, so this bundle needs
 * no Gogo API; each command returns the text the console prints.
 */
@Component(service = Object.class, property = {
    "osgi.command.scope=parley",
    "osgi.command.function=status",
    "osgi.command.function=sessions",
    "osgi.command.function=kick"
})
public final class ParleyCommands {

    private final ParleyServer server;
    private final SessionRegistry sessions;
    private final DeviceNotices notices;

    @Activate
    public ParleyCommands(@Reference ParleyServer server, @Reference SessionRegistry sessions,
            @Reference DeviceNotices notices) {
        this.server = server;
        this.sessions = sessions;
        this.notices = notices;
    }

    /** Where the server listens, how many connections and sessions it holds, and which requests it answers. */
    public String status() {
        List<SessionRegistry.SessionView> all = sessions.sessions();
        long users = SessionRegistry.users(all);
        String types = server.handledTypes().stream().map(Types::name).collect(Collectors.joining(" "));
        java.net.InetSocketAddress at = server.address();
        String where = at.getAddress().isAnyLocalAddress() ? "port " + at.getPort() + " of every address"
                : at.getHostString() + ":" + at.getPort();
        return "Listening on " + where + "\n"
                + "Connections: " + server.connectionCount() + " open, " + all.size() + " logged in (" + users
                + " users)\n"
                + "Answers: " + (types.isEmpty() ? "nothing (no handler bundle is active)" : types);
    }

    /** The logged-in devices on this node: username, device, remote address. */
    public String sessions() {
        List<SessionRegistry.SessionView> all = sessions.sessions();
        if (all.isEmpty()) {
            return "Nobody is logged in on this node.";
        }
        int width = Math.max("USERNAME".length(), all.stream().mapToInt(v -> v.username().length()).max().orElse(0));
        int deviceWidth = Math.max("DEVICE".length(), all.stream().mapToInt(v -> v.device().length()).max().orElse(0));
        String format = "%-" + width + "s  %-" + deviceWidth + "s  %s%n";
        StringBuilder out = new StringBuilder(String.format(format, "USERNAME", "DEVICE", "ADDRESS"));
        for (SessionRegistry.SessionView v : all) {
            out.append(String.format(format, v.username(), v.device(), v.address()));
        }
        return out.append(all.size()).append(all.size() == 1 ? " session" : " sessions").toString();
    }

    /** Ends every session of the user on this node with a KICKED notice. Tokens stay valid: they may RESUME. */
    public String kick(String username) {
        int n = notices.endSessionsOf(username, DeviceNotices.BY_OPERATOR);
        return n == 0 ? "No session of '" + username + "' on this node."
                : "Ended " + n + (n == 1 ? " session" : " sessions") + " of '" + username + "'.";
    }
}
