package io.parley.chat;

import io.parley.api.account.Profile;
import io.parley.api.friend.FriendList;
import io.parley.api.group.GroupInfo;
import io.parley.api.group.GroupList;
import io.parley.api.message.InboxEntry;
import io.parley.client.Notice;
import io.parley.client.ParleyClient;
import io.parley.client.ParleySession;
import io.parley.protocol.Types;
import java.io.IOException;
import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import org.jline.reader.Candidate;
import org.jline.reader.EndOfFileException;
import org.jline.reader.LineReader;
import org.jline.reader.LineReaderBuilder;
import org.jline.reader.UserInterruptException;
import org.jline.terminal.Terminal;
import org.jline.terminal.TerminalBuilder;

/**
 * The line UI of bin/parley-chat: a prompt at the bottom, what arrives printed above it as it arrives (with
 * time and sender), slash commands for friends, groups and history, plain lines sent to the open conversation.
 * It runs on a {@link ParleySession}: every entry is shown once and in order across reconnects.
 */
final class Interactive {

    static final String HELP = String.join("\n",
            "/open <user> | /open #<group id>   talk there: plain lines are sent to it",
            "/close                             close the conversation",
            "/msg <user> <text>                 send one message to a user",
            "/history [n]                       n earlier messages of the open conversation (again: earlier still)",
            "/unread                            conversations with messages you have not opened",
            "/friends                           friends, who is online, and requests",
            "/add <user> [note] | /accept <user> | /reject <user> | /remove <user>",
            "/groups                            your groups",
            "/group create <name> [users...] | /group add <id> <users...> | /group remove <id> <users...>",
            "/group leave <id> | /group info <id>",
            "/profile [user]                    a profile, yours without a name",
            "/profile nickname <text> | /profile signature <text>   change yours",
            "/password                          change your password",
            "/help | /quit");

    private static final List<String> COMMANDS = List.of("/open", "/close", "/msg", "/history", "/unread",
            "/friends", "/add", "/accept", "/reject", "/remove", "/groups", "/group", "/profile", "/password", "/help",
            "/quit");

    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("HH:mm").withZone(ZoneId.systemDefault());

    private final Chat.Connection connection;
    private Terminal terminal;
    private LineReader reader;
    private ParleySession session;
    private String me;
    /** The open conversation: a username, or # and a group id; null when none is. */
    private volatile String open;
    private final Map<String, Integer> unread = new ConcurrentHashMap<>();
    /** Where the next /history of a conversation pages back from. */
    private final Map<String, Long> historyBefore = new ConcurrentHashMap<>();
    private volatile List<String> friends = List.of();
    private volatile List<String> groups = List.of();

    Interactive(Chat.Connection connection) {
        this.connection = connection;
    }

    int run() throws IOException {
        if (System.console() == null) {
            throw new Chat.Failure(Chat.USAGE, "no terminal to chat at: scripts use the commands (parley-chat --help)");
        }
        terminal = TerminalBuilder.builder().system(true).build();
        reader = LineReaderBuilder.builder().terminal(terminal).appName("parley-chat")
                .completer((r, line, candidates) -> complete(line.words(), line.wordIndex(), candidates)).build();
        try {
            me = connection.user != null && !connection.user.isBlank() ? connection.user : reader.readLine("user: ");
            String password = System.getenv("PARLEY_PASSWORD") != null || connection.passwordFile != null
                    ? connection.password() : reader.readLine("password: ", '*');
            session = connection.await(ParleySession.login(connection.host(), connection.port(), me, password,
                    connection.device, connection.options(), this::onEntry), "log in as " + me);
        } catch (UserInterruptException | EndOfFileException e) {
            return Chat.USAGE;
        }
        session.onNotice(this::onNotice);
        refreshNames();
        reader.printAbove("Logged in as " + me + ". /help lists the commands; Tab completes them and names.");
        try {
            while (true) {
                String line;
                try {
                    line = reader.readLine(prompt());
                } catch (UserInterruptException e) {
                    continue; // Ctrl-C clears the line; Ctrl-D or /quit ends
                } catch (EndOfFileException e) {
                    return 0;
                }
                if (line.isBlank()) {
                    continue;
                }
                if (line.trim().equals("/quit")) {
                    return 0;
                }
                try {
                    handle(line.trim());
                } catch (Chat.Failure f) {
                    reader.printAbove(f.getMessage());
                }
                if (session.stopReason() != null) {
                    reader.printAbove("The server ended this session: " + session.stopReason());
                    return Chat.REFUSED;
                }
            }
        } finally {
            session.close();
            terminal.close();
        }
    }

    private String prompt() {
        int total = unread.values().stream().mapToInt(Integer::intValue).sum();
        return (open == null ? "" : open + " ") + (total > 0 ? "[" + total + " unread] " : "") + "> ";
    }

    /** The conversation an entry belongs to, as /open names it. */
    private String conversationOf(InboxEntry e) {
        if (e.groupId() != null) {
            return "#" + e.groupId();
        }
        return me.equalsIgnoreCase(e.from()) ? e.to() : e.from();
    }

    private void onEntry(InboxEntry e) {
        String where = conversationOf(e);
        if (!where.equalsIgnoreCase(String.valueOf(open)) && !me.equalsIgnoreCase(e.from())) {
            unread.merge(where, 1, Integer::sum);
        }
        reader.printAbove(format(e));
    }

    private String format(InboxEntry e) {
        String time = TIME.format(Instant.ofEpochMilli(e.ts()));
        String where = e.groupId() != null ? "#" + e.groupId() + " " : "";
        if (e.text() != null) {
            return "[" + time + "] " + where + e.from() + ": " + e.text();
        }
        return "[" + time + "] " + where + e.from() + " " + e.kind() + (e.event() == null ? "" : " " + e.event().json());
    }

    private void onNotice(Notice notice) {
        if (notice.type() == Types.FRIEND_EVENT) {
            reader.printAbove("friends: " + notice.json());
            refreshNames();
        } else if (notice.type() == Types.KICKED) {
            reader.printAbove("disconnected by the server: " + notice.json());
        }
    }

    private void refreshNames() {
        ParleyClient c = session.client();
        c.friends().thenAccept(l -> friends = l.friends().stream().map(FriendList.Friend::username).toList());
        c.groups().thenAccept(l -> groups = l.groups().stream().map(g -> "#" + g.groupId()).toList());
    }

    private void complete(List<String> words, int index, List<Candidate> candidates) {
        if (index == 0) {
            COMMANDS.forEach(c -> candidates.add(new Candidate(c)));
            return;
        }
        String command = words.get(0);
        if (List.of("/open", "/msg", "/remove", "/accept", "/reject", "/profile", "/add").contains(command)
                && index == 1) {
            friends.forEach(f -> candidates.add(new Candidate(f)));
            if (command.equals("/open")) {
                groups.forEach(g -> candidates.add(new Candidate(g)));
            }
        } else if (command.equals("/group") && index == 1) {
            List.of("create", "add", "remove", "leave", "info").forEach(s -> candidates.add(new Candidate(s)));
        } else if (command.equals("/group") && index == 2) {
            groups.forEach(g -> candidates.add(new Candidate(g.substring(1))));
        } else if (command.equals("/group")) {
            friends.forEach(f -> candidates.add(new Candidate(f)));
        }
    }

    private <T> T await(CompletableFuture<T> answer, String what) {
        return connection.await(answer, what);
    }

    private void handle(String line) {
        if (!line.startsWith("/")) {
            if (open == null) {
                reader.printAbove("Open a conversation first: /open <user> or /open #<group id> (/help)");
                return;
            }
            send(open, line);
            return;
        }
        String[] w = line.split("\\s+");
        ParleyClient c = session.client();
        switch (w[0]) {
            case "/help" -> reader.printAbove(HELP);
            case "/open" -> {
                need(w, 2, "/open <user> or /open #<group id>");
                open = w[1];
                unread.remove(open);
                reader.printAbove("Talking in " + open + ". /history shows what came before.");
            }
            case "/close" -> open = null;
            case "/msg" -> {
                need(w, 3, "/msg <user> <text>");
                send(w[1], line.substring(line.indexOf(w[2], w[0].length() + w[1].length() + 1)));
            }
            case "/history" -> history(w.length > 1 ? Integer.parseInt(w[1]) : 20);
            case "/unread" -> reader.printAbove(unread.isEmpty() ? "Nothing unread." : new TreeMap<>(unread).toString());
            case "/friends" -> {
                FriendList l = await(c.friends(), "list friends");
                List<String> out = new ArrayList<>();
                l.friends().forEach(f -> out.add(f.username() + (f.online() ? "  online" : "")));
                l.incoming().forEach(i -> out.add(i.username() + "  asks to be your friend (/accept " + i.username() + ")"));
                l.outgoing().forEach(o -> out.add(o + "  has not answered yet"));
                reader.printAbove(out.isEmpty() ? "No friends yet: /add <user>" : String.join("\n", out));
            }
            case "/add" -> {
                need(w, 2, "/add <user> [note]");
                await(c.addFriend(w[1], String.join(" ", Arrays.copyOfRange(w, 2, w.length))), "ask " + w[1]);
                reader.printAbove("Asked " + w[1] + ".");
            }
            case "/accept" -> {
                need(w, 2, "/accept <user>");
                await(c.acceptFriend(w[1]), "accept " + w[1]);
                refreshNames();
                reader.printAbove(w[1] + " is your friend now.");
            }
            case "/reject" -> {
                need(w, 2, "/reject <user>");
                await(c.rejectFriend(w[1]), "reject " + w[1]);
            }
            case "/remove" -> {
                need(w, 2, "/remove <user>");
                await(c.removeFriend(w[1]), "remove " + w[1]);
                refreshNames();
            }
            case "/groups" -> {
                GroupList l = await(c.groups(), "list groups");
                List<String> out = new ArrayList<>();
                l.groups().forEach(g -> out.add("#" + g.groupId() + "  " + g.name() + "  (" + g.role() + ")"));
                reader.printAbove(out.isEmpty() ? "No groups yet: /group create <name> [users...]" : String.join("\n", out));
            }
            case "/group" -> group(w, c);
            case "/profile" -> {
                if (w.length > 2 && (w[1].equals("nickname") || w[1].equals("signature"))) {
                    String text = line.substring(line.indexOf(w[1]) + w[1].length()).trim();
                    Profile mine = await(c.profile(me), "read your profile");
                    await(c.updateProfile(w[1].equals("nickname") ? text : mine.nickname(),
                            w[1].equals("signature") ? text : mine.signature(), mine.avatar()), "change your profile");
                    reader.printAbove("Your " + w[1] + " is now: " + text);
                    return;
                }
                Profile p = await(c.profile(w.length > 1 ? w[1] : me), "read the profile");
                reader.printAbove(p.username() + "  " + p.nickname() + (p.online() ? "  online" : "")
                        + (p.signature() == null || p.signature().isEmpty() ? "" : "\n" + p.signature()));
            }
            case "/password" -> {
                String old = reader.readLine("current password: ", '*');
                String fresh = reader.readLine("new password: ", '*');
                await(c.changePassword(old, fresh), "change the password");
                reader.printAbove("Password changed.");
            }
            default -> reader.printAbove("No command " + w[0] + ": /help lists them.");
        }
    }

    private static void need(String[] words, int n, String usage) {
        if (words.length < n) {
            throw new Chat.Failure(Chat.USAGE, "usage: " + usage);
        }
    }

    private static long groupId(String word) {
        try {
            return Long.parseLong(word.startsWith("#") ? word.substring(1) : word);
        } catch (NumberFormatException e) {
            throw new Chat.Failure(Chat.USAGE, "a group id is a number, not '" + word + "'");
        }
    }

    private void send(String to, String text) {
        CompletableFuture<Long> sent = to.startsWith("#") ? session.sendToGroup(groupId(to), text) : session.send(to, text);
        await(sent, "send to " + to);
    }

    private void history(int n) {
        if (open == null) {
            throw new Chat.Failure(Chat.USAGE, "open a conversation first: /open <user>");
        }
        Long before = historyBefore.get(open);
        ParleyClient c = session.client();
        List<InboxEntry> page = open.startsWith("#") ? await(c.groupHistory(groupId(open), before, n), "read history")
                : await(c.history(open, before, n), "read history");
        if (page.isEmpty()) {
            reader.printAbove("Nothing earlier.");
            return;
        }
        List<InboxEntry> oldestFirst = new ArrayList<>(page);
        oldestFirst.sort((a, b) -> Long.compare(a.seq(), b.seq()));
        historyBefore.put(open, oldestFirst.get(0).seq());
        List<String> lines = new ArrayList<>();
        oldestFirst.forEach(e -> lines.add(format(e)));
        reader.printAbove(String.join("\n", lines));
    }

    private void group(String[] w, ParleyClient c) {
        need(w, 2, "/group create|add|remove|leave|info ...");
        switch (w[1]) {
            case "create" -> {
                need(w, 3, "/group create <name> [users...]");
                long id = await(c.createGroup(w[2], List.of(Arrays.copyOfRange(w, 3, w.length))), "create the group");
                refreshNames();
                reader.printAbove("Group #" + id + " made: /open #" + id);
            }
            case "add" -> {
                need(w, 4, "/group add <id> <users...>");
                await(c.addMembers(groupId(w[2]), List.of(Arrays.copyOfRange(w, 3, w.length))), "add members");
            }
            case "remove" -> {
                need(w, 4, "/group remove <id> <users...>");
                await(c.removeMembers(groupId(w[2]), List.of(Arrays.copyOfRange(w, 3, w.length))), "remove members");
            }
            case "leave" -> {
                need(w, 3, "/group leave <id>");
                await(c.leaveGroup(groupId(w[2])), "leave the group");
                refreshNames();
            }
            case "info" -> {
                need(w, 3, "/group info <id>");
                GroupInfo g = await(c.groupInfo(groupId(w[2])), "read the group");
                List<String> out = new ArrayList<>(List.of("#" + g.groupId() + "  " + g.name() + ", owner " + g.owner()));
                g.members().forEach(m -> out.add("  " + m.username() + "  " + m.role()));
                reader.printAbove(String.join("\n", out));
            }
            default -> reader.printAbove("No /group " + w[1] + ": /help lists them.");
        }
    }
}
