package io.parley.chat;

import com.google.gson.Gson;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import io.parley.api.ParleyException;
import io.parley.api.account.LoginResponse;
import io.parley.api.friend.FriendList;
import io.parley.api.message.InboxEntry;
import io.parley.api.message.SendResponse;
import io.parley.client.ParleyClient;
import io.parley.client.ParleyClientOptions;
import io.parley.client.ParleySession;
import io.parley.protocol.Status;
import java.io.Console;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * bin/parley-chat for scripts: send a message, follow an inbox as JSON lines, list friends. It logs in with
 * SCRAM (the SDK's login), takes the password from PARLEY_PASSWORD, a file or a prompt (never from the command
 * line, where other users of the machine would see it), and exits 0 only when the server answered OK.
 */
@Command(name = "parley-chat", mixinStandardHelpOptions = true, version = "parley-chat 0.1",
        description = {"Chat with a Parley server from a shell or a script.",
            "Without a command, at a terminal: log in and chat (/help lists what you can type)."},
        subcommands = {Chat.Register.class, Chat.Send.class, Chat.Tail.class, Chat.Friends.class, Chat.AddFriend.class,
            Chat.Accept.class},
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {
            "0:the server answered OK",
            "1:the server refused the request (BAD_REQUEST, FORBIDDEN: e.g. not friends)",
            "2:the command line is wrong, or no password was given",
            "3:the server cannot be reached",
            "4:login refused: wrong password or unknown user",
            "5:not found: no such user or group",
            "6:the server is busy or did not answer in time (UNAVAILABLE, RATE_LIMITED, --timeout)"})
public final class Chat implements Callable<Integer> {

    static final int REFUSED = 1;
    static final int USAGE = 2;
    static final int UNREACHABLE = 3;
    static final int LOGIN_REFUSED = 4;
    static final int NOT_FOUND = 5;
    static final int BUSY = 6;

    @Mixin
    Connection connection;

    Chat() {
    }

    /** No command: the line UI, at a terminal only. */
    @Override
    public Integer call() throws IOException {
        return new Interactive(connection).run();
    }

    public static void main(String[] args) {
        System.exit(run(args, new PrintWriter(System.out, true, StandardCharsets.UTF_8),
                new PrintWriter(System.err, true, StandardCharsets.UTF_8)));
    }

    /** Runs a command line; returns the exit status. */
    static int run(String[] args, PrintWriter out, PrintWriter err) {
        CommandLine line = new CommandLine(Chat.class);
        line.setOut(out);
        line.setErr(err);
        line.setExecutionExceptionHandler((e, cmd, parsed) -> {
            // A sentence, never a stack trace.
            if (e instanceof Failure f) {
                cmd.getErr().println("parley-chat: " + f.getMessage());
                return f.code;
            }
            cmd.getErr().println("parley-chat: " + (e.getMessage() == null ? e.toString() : e.getMessage()));
            return REFUSED;
        });
        return line.execute(args);
    }

    /** Why a command stopped, with its exit code. */
    static final class Failure extends RuntimeException {
        private static final long serialVersionUID = 1L;
        final int code;

        Failure(int code, String message) {
            super(message);
            this.code = code;
        }
    }

    /** The exit code of a status the server answered. */
    static int code(Status status) {
        return switch (status) {
            case UNAUTHENTICATED -> LOGIN_REFUSED;
            case NOT_FOUND -> NOT_FOUND;
            case UNAVAILABLE, RATE_LIMITED -> BUSY;
            default -> REFUSED;
        };
    }

    /** Where the server is and who logs in: the options every command takes. */
    static final class Connection {
        @Option(names = "--server", defaultValue = "${env:PARLEY_SERVER:-127.0.0.1:7700}",
                description = "host:port of the server (default: $PARLEY_SERVER, else ${DEFAULT-VALUE})")
        String server;

        @Option(names = "--tls", arity = "0..1", fallbackValue = "", paramLabel = "cert.pem",
                description = "TLS: trust the JVM's certificate authorities, or the certificates in cert.pem")
        String tls;

        @Option(names = {"-u", "--user"}, defaultValue = "${env:PARLEY_USER}",
                description = "the username (default: $PARLEY_USER)")
        String user;

        @Option(names = "--password-file", paramLabel = "file",
                description = "read the password from the file's first line (else $PARLEY_PASSWORD, else a prompt)")
        Path passwordFile;

        @Option(names = "--device", defaultValue = "cli",
                description = "the device name to log in as (default: ${DEFAULT-VALUE})")
        String device;

        @Option(names = "--tokens", defaultValue = "${env:PARLEY_TOKENS}", paramLabel = "folder",
                description = "where the token of each login is kept for the next run (RESUME), one file per server, "
                        + "user and device, readable by you alone (default: $PARLEY_TOKENS, else ~/.parley/tokens)")
        Path tokens;

        @Option(names = "--forget", description = "log in with the password and keep no token")
        boolean forget;

        @Option(names = "--timeout", defaultValue = "15", paramLabel = "seconds",
                description = "how long to wait for the server (default: ${DEFAULT-VALUE} s)")
        int timeoutSeconds;

        String host() {
            return hostPort()[0];
        }

        int port() {
            try {
                return Integer.parseInt(hostPort()[1]);
            } catch (NumberFormatException e) {
                throw new Failure(USAGE, "--server wants host:port, not '" + server + "'");
            }
        }

        private String[] hostPort() {
            int colon = server.lastIndexOf(':');
            if (colon <= 0 || colon == server.length() - 1) {
                throw new Failure(USAGE, "--server wants host:port, not '" + server + "'");
            }
            return new String[] {server.substring(0, colon), server.substring(colon + 1)};
        }

        String user() {
            if (user == null || user.isBlank()) {
                throw new Failure(USAGE, "who logs in? Give --user or set PARLEY_USER");
            }
            return user;
        }

        String password() {
            if (passwordFile != null) {
                try {
                    List<String> lines = Files.readAllLines(passwordFile, StandardCharsets.UTF_8);
                    if (lines.isEmpty() || lines.get(0).isEmpty()) {
                        throw new Failure(USAGE, passwordFile + " is empty");
                    }
                    return lines.get(0);
                } catch (IOException e) {
                    throw new Failure(USAGE, "cannot read the password file " + passwordFile + ": " + e.getMessage());
                }
            }
            String env = System.getenv("PARLEY_PASSWORD");
            if (env != null && !env.isEmpty()) {
                return env;
            }
            Console console = System.console();
            if (console == null) {
                throw new Failure(USAGE, "no password: set PARLEY_PASSWORD or give --password-file "
                        + "(there is no terminal to ask at)");
            }
            char[] typed = console.readPassword("Password for %s: ", user());
            if (typed == null || typed.length == 0) {
                throw new Failure(USAGE, "no password given");
            }
            return new String(typed);
        }

        ParleyClientOptions options() {
            ParleyClientOptions options = ParleyClientOptions.defaults()
                    .withRequestTimeout(Duration.ofSeconds(Math.max(1, timeoutSeconds)));
            if (tls == null) {
                return options;
            }
            return tls.isEmpty() ? options.withTls() : options.withTls(Path.of(tls));
        }

        /** Waits for an answer; a refusal becomes a Failure with its exit code and the server's sentence. */
        <T> T await(CompletableFuture<T> answer, String what) {
            try {
                return answer.get(Math.max(1, timeoutSeconds), TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new Failure(BUSY, "interrupted while waiting to " + what);
            } catch (TimeoutException e) {
                throw new Failure(BUSY, "no answer in " + timeoutSeconds + " s to " + what);
            } catch (ExecutionException e) {
                Throwable cause = e.getCause();
                if (cause instanceof ParleyException p) {
                    throw new Failure(code(p.status()), what + ": " + p.getMessage() + " (" + p.status() + ")");
                }
                throw new Failure(REFUSED, what + ": " + cause);
            }
        }

        ParleyClient connect() {
            String host = host();
            int port = port();
            try {
                return ParleyClient.connect(host, port, options()).get(Math.max(1, timeoutSeconds), TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new Failure(UNREACHABLE, "interrupted while connecting to " + server);
            } catch (ExecutionException | TimeoutException | RuntimeException e) {
                Throwable cause = e instanceof ExecutionException ? e.getCause() : e;
                throw new Failure(UNREACHABLE, "cannot reach " + server + ": "
                        + (cause.getMessage() == null ? cause.toString() : cause.getMessage()));
            }
        }

        /**
         * Connects and logs in: with the token the last run kept (RESUME), else with the password, and keeps the
         * new token for the next run. The caller closes the client.
         */
        ParleyClient login() {
            ParleyClient client = connect();
            try {
                logIn(token -> client.resume(token, device), password -> client.login(user(), password, device),
                        LoginResponse::token);
                return client;
            } catch (RuntimeException e) {
                client.close();
                throw e;
            }
        }

        /**
         * Logs in with the token the last run kept, else (none, or refused: expired, revoked) with the password,
         * and keeps the new token for the next run.
         */
        <T> T logIn(java.util.function.Function<String, CompletableFuture<T>> resume,
                java.util.function.Function<String, CompletableFuture<T>> withPassword,
                java.util.function.Function<T, String> tokenOf) {
            String saved = savedToken();
            if (saved != null) {
                try {
                    T resumed = await(resume.apply(saved), "resume as " + user());
                    keepToken(tokenOf.apply(resumed));
                    return resumed;
                } catch (Failure f) {
                    if (f.code != LOGIN_REFUSED) {
                        throw f;
                    }
                    forgetToken();
                }
            }
            T loggedIn = await(withPassword.apply(password()), "log in as " + user());
            keepToken(tokenOf.apply(loggedIn));
            return loggedIn;
        }

        /** Logs in, waits for the answer to one request, and closes the connection. */
        <T> T once(java.util.function.Function<ParleyClient, CompletableFuture<T>> call, String what) {
            try (ParleyClient client = login()) {
                return await(call.apply(client), what);
            }
        }

        /** The file of this server, user and device's token. */
        Path tokenFile() {
            Path dir = tokens != null ? tokens : Path.of(System.getProperty("user.home"), ".parley", "tokens");
            String name = (host() + "_" + port() + "_" + user() + "@" + device).replaceAll("[^A-Za-z0-9._@-]", "_");
            return dir.resolve(name);
        }

        /** The token kept by an earlier run; null when there is none (or --forget). */
        String savedToken() {
            Path file = tokenFile();
            if (forget || !Files.exists(file)) {
                return null;
            }
            try {
                String token = Files.readString(file, StandardCharsets.UTF_8).trim();
                return token.isEmpty() ? null : token;
            } catch (IOException e) {
                return null;
            }
        }

        /** Keeps a token where only this user can read it: a folder of mode 700, a file of mode 600. */
        void keepToken(String token) {
            if (forget || token == null) {
                return;
            }
            Path file = tokenFile();
            try {
                Path dir = file.getParent();
                boolean posix = dir.getFileSystem().supportedFileAttributeViews().contains("posix");
                if (posix) {
                    Files.createDirectories(dir, java.nio.file.attribute.PosixFilePermissions.asFileAttribute(
                            java.nio.file.attribute.PosixFilePermissions.fromString("rwx------")));
                    Files.setPosixFilePermissions(dir, java.nio.file.attribute.PosixFilePermissions.fromString("rwx------"));
                } else {
                    Files.createDirectories(dir);
                }
                Path tmp = Files.createTempFile(dir, "token", ".tmp");
                if (posix) {
                    Files.setPosixFilePermissions(tmp, java.nio.file.attribute.PosixFilePermissions.fromString("rw-------"));
                }
                Files.writeString(tmp, token, StandardCharsets.UTF_8);
                Files.move(tmp, file, java.nio.file.StandardCopyOption.REPLACE_EXISTING,
                        java.nio.file.StandardCopyOption.ATOMIC_MOVE);
            } catch (IOException e) {
                // The message was still sent; only the next run asks for the password again.
                System.err.println("parley-chat: could not keep the token in " + file + ": " + e.getMessage());
            }
        }

        void forgetToken() {
            try {
                Files.deleteIfExists(tokenFile());
            } catch (IOException ignored) {
                // the next run tries it again and is refused again
            }
        }

        /** Retries an answer of UNAVAILABLE or RATE_LIMITED until the timeout, as the same request. */
        <T> T retrying(Supplier<CompletableFuture<T>> call, String what) {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(Math.max(1, timeoutSeconds));
            while (true) {
                try {
                    return await(call.get(), what);
                } catch (Failure f) {
                    if (f.code != BUSY || System.nanoTime() > deadline) {
                        throw f;
                    }
                    try {
                        Thread.sleep(200);
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                        throw f;
                    }
                }
            }
        }
    }

    @Command(name = "send", mixinStandardHelpOptions = true,
            description = {"Sends one message to a user (--to) or a group (--group); prints its message id.",
                "Sent once however often it is retried (one cid); exits 0 only when the server stored it."})
    static final class Send implements Callable<Integer> {
        @Mixin
        Connection connection;

        @Option(names = "--to", paramLabel = "username", description = "the user to send to")
        String to;

        @Option(names = "--group", paramLabel = "id", description = "the group to send to")
        Long group;

        @Parameters(arity = "1..*", paramLabel = "text", description = "the message; several words are joined by spaces")
        List<String> words;

        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;

        @Override
        public Integer call() {
            if ((to == null) == (group == null)) {
                throw new Failure(USAGE, "send wants exactly one of --to and --group");
            }
            String text = String.join(" ", words);
            String cid = UUID.randomUUID().toString();
            try (ParleyClient client = connection.login()) {
                SendResponse sent = connection.retrying(() -> to != null ? client.sendMessage(to, text, cid)
                        : client.sendToGroup(group, text, cid), "send to " + (to != null ? to : "group " + group));
                spec.commandLine().getOut().println(sent.msgId());
                return 0;
            }
        }
    }

    @Command(name = "tail", mixinStandardHelpOptions = true,
            description = {"Prints this device's inbox entries as JSON lines, from its cursor on, and each new one as "
                    + "it arrives; an entry is acknowledged once it is printed, so the next tail goes on after it.",
                "Runs until stopped, or until --count entries were printed."})
    static final class Tail implements Callable<Integer> {
        @Mixin
        Connection connection;

        @Option(names = "--count", paramLabel = "n", description = "stop after n entries")
        Integer count;

        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;

        @Override
        public Integer call() throws InterruptedException {
            PrintWriter out = spec.commandLine().getOut();
            String user = connection.user();
            int limit = count == null ? Integer.MAX_VALUE : Math.max(0, count);
            CountDownLatch done = new CountDownLatch(1);
            AtomicInteger printed = new AtomicInteger();
            io.parley.client.EntryListener print = entry -> {
                if (printed.get() >= limit) {
                    // Refused, so neither counted as delivered nor acknowledged: the next tail gets it.
                    done.countDown();
                    throw new Enough();
                }
                out.println(json(entry));
                out.flush();
                if (printed.incrementAndGet() >= limit) {
                    done.countDown();
                }
            };
            ParleySession session = connection.logIn(
                    token -> ParleySession.resume(connection.host(), connection.port(), token, connection.device,
                            connection.options(), print),
                    password -> ParleySession.login(connection.host(), connection.port(), user, password,
                            connection.device, connection.options(), print),
                    ParleySession::token);
            if (limit == 0) {
                done.countDown();
            }
            Runtime.getRuntime().addShutdownHook(new Thread(session::close));
            while (!done.await(1, TimeUnit.SECONDS)) {
                if (session.stopReason() != null) {
                    session.close();
                    throw new Failure(REFUSED, "the server ended the session: " + session.stopReason());
                }
            }
            session.close();
            return 0;
        }
    }

    /** Thrown at an entry past --count: the session does not count it as delivered. */
    static final class Enough extends RuntimeException {
        private static final long serialVersionUID = 1L;

        Enough() {
            super("enough entries printed", null, false, false);
        }
    }

    private static final Gson GSON = new Gson();

    /** One entry as a JSON object: the fields of the protocol's inbox entry, the event as JSON, not a string. */
    static String json(InboxEntry entry) {
        JsonObject o = new JsonObject();
        o.addProperty("seq", entry.seq());
        o.addProperty("msgId", entry.msgId());
        o.addProperty("kind", entry.kind());
        o.addProperty("from", entry.from());
        if (entry.to() != null) {
            o.addProperty("to", entry.to());
        }
        if (entry.groupId() != null) {
            o.addProperty("groupId", entry.groupId());
        }
        if (entry.text() != null) {
            o.addProperty("text", entry.text());
        }
        if (entry.event() != null) {
            o.add("event", JsonParser.parseString(entry.event().json()));
        }
        o.addProperty("ts", entry.ts());
        return GSON.toJson(o);
    }

    @Command(name = "register", mixinStandardHelpOptions = true,
            description = "Makes an account with --user and the password (from $PARLEY_PASSWORD, a file or a prompt).")
    static final class Register implements Callable<Integer> {
        @Mixin
        Connection connection;

        @Option(names = "--nickname", description = "the name others see (default: the username)")
        String nickname;

        @Override
        public Integer call() {
            String user = connection.user();
            String password = connection.password();
            try (ParleyClient client = connection.connect()) {
                connection.await(client.register(user, password, nickname), "register " + user);
                return 0;
            }
        }
    }

    @Command(name = "add-friend", mixinStandardHelpOptions = true,
            description = "Asks a user to be your friend, with an optional note; they accept with accept.")
    static final class AddFriend implements Callable<Integer> {
        @Mixin
        Connection connection;

        @Parameters(index = "0", paramLabel = "username")
        String friend;

        @Parameters(index = "1..*", arity = "0..*", paramLabel = "note")
        List<String> note;

        @Override
        public Integer call() {
            connection.once(c -> c.addFriend(friend, note == null ? "" : String.join(" ", note)), "ask " + friend);
            return 0;
        }
    }

    @Command(name = "accept", mixinStandardHelpOptions = true, description = "Accepts a user's friend request.")
    static final class Accept implements Callable<Integer> {
        @Mixin
        Connection connection;

        @Parameters(index = "0", paramLabel = "username")
        String friend;

        @Override
        public Integer call() {
            connection.once(c -> c.acceptFriend(friend), "accept " + friend);
            return 0;
        }
    }

    @Command(name = "friends", mixinStandardHelpOptions = true,
            description = "Lists friends (with who is online), requests received and requests sent.")
    static final class Friends implements Callable<Integer> {
        @Mixin
        Connection connection;

        @Option(names = "--json", description = "one JSON object instead of lines of text")
        boolean json;

        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;

        @Override
        public Integer call() {
            PrintWriter out = spec.commandLine().getOut();
            FriendList list = connection.once(ParleyClient::friends, "list friends");
            if (json) {
                out.println(GSON.toJson(Map.of("friends", list.friends(), "incoming", list.incoming(),
                        "outgoing", list.outgoing())));
                return 0;
            }
            for (FriendList.Friend f : list.friends()) {
                boolean named = f.nickname() != null && !f.nickname().isEmpty() && !f.nickname().equals(f.username());
                out.println(f.username() + (f.online() ? "  online" : "") + (named ? "  (" + f.nickname() + ")" : ""));
            }
            for (FriendList.Incoming i : list.incoming()) {
                out.println(i.username() + "  asks to be your friend" + (i.note() == null || i.note().isEmpty()
                        ? "" : ": " + i.note()));
            }
            for (String o : list.outgoing()) {
                out.println(o + "  has not answered your request yet");
            }
            return 0;
        }
    }
}
