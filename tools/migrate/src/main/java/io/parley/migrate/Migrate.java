package io.parley.migrate;

import io.parley.api.store.MessageArchive;
import io.parley.storage.jdbc.internal.DatabaseCopy;
import io.parley.storage.jdbc.internal.JdbcDatabase;
import io.parley.storage.jdbc.internal.JdbcMessageStore;
import io.parley.storage.log.internal.LogMessageStore;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * bin/parley-migrate: moves a stopped server's data from one store to another, keeping ids, seqs and cursors,
 * and ends by comparing what both hold. Every step can run again: what is already in the target stays as it is
 * (messages) or is written again with the source's values (database rows).
 */
@Command(name = "parley-migrate", mixinStandardHelpOptions = true, version = "parley-migrate 0.1",
        description = "Moves a stopped Parley server's data between stores, then compares what both hold.",
        subcommands = {Migrate.Messages.class, Migrate.Database.class})
public final class Migrate {

    /** Exit status when the copy ran but the two sides do not hold the same. */
    static final int DIFFERENT = 3;

    private Migrate() {
    }

    public static void main(String[] args) {
        System.exit(run(args, new PrintWriter(System.out, true), new PrintWriter(System.err, true)));
    }

    /** Runs a command line; returns the exit status. */
    static int run(String[] args, PrintWriter out, PrintWriter err) {
        CommandLine line = new CommandLine(Migrate.class);
        line.setOut(out);
        line.setErr(err);
        line.setExecutionExceptionHandler((e, cmd, parsed) -> {
            // A sentence, never a stack trace: what failed and what to do.
            cmd.getErr().println("parley-migrate: " + (e.getMessage() == null ? e.toString() : e.getMessage()));
            return 2;
        });
        return line.execute(args);
    }

    /** A database's JDBC URL and the account to use. */
    static final class Db {
        static JdbcDatabase open(String url, String user, String password) {
            if (url.startsWith("jdbc:h2:") && !url.contains("IFEXISTS")) {
                // The migration reads the server's files: a mistyped path must not make an empty database.
                url = url + ";IFEXISTS=TRUE";
            }
            return new JdbcDatabase(url, user, password, 4, 10_000);
        }
    }

    @Command(name = "messages", mixinStandardHelpOptions = true,
            description = {"Copies messages, inbox entries, inbox heads and cursors from one message store to "
                    + "another, with their ids and seqs.",
                "A store is log:<folder> (the message log, e.g. log:data/messages) or a JDBC URL "
                        + "(jdbc:h2:file:./data/parley, jdbc:mysql://host:3306/parley)."})
    static final class Messages implements Callable<Integer> {
        @Option(names = "--from", required = true, description = "the store to read")
        String from;
        @Option(names = "--to", required = true, description = "the store to write")
        String to;
        @Option(names = "--from-user", defaultValue = "", description = "database user of --from")
        String fromUser;
        @Option(names = "--from-password", defaultValue = "", description = "database password of --from")
        String fromPassword;
        @Option(names = "--to-user", defaultValue = "", description = "database user of --to")
        String toUser;
        @Option(names = "--to-password", defaultValue = "", description = "database password of --to")
        String toPassword;
        @Option(names = "--batch", defaultValue = "1000", description = "messages per write (default: ${DEFAULT-VALUE})")
        int batch;
        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;

        @Override
        public Integer call() {
            PrintWriter out = spec.commandLine().getOut();
            List<AutoCloseable> opened = new ArrayList<>();
            try {
                MessageArchive source = open(from, fromUser, fromPassword, opened, true);
                MessageArchive target = open(to, toUser, toPassword, opened, false);
                MessageArchive.Counts expected = source.counts();
                out.printf("%s holds %,d messages, %,d inbox entries, %,d inbox heads, %,d cursors%n", from,
                        expected.messages(), expected.entries(), expected.heads(), expected.cursors());
                List<MessageArchive.Archived> pending = new ArrayList<>();
                long[] read = {0};
                source.exportMessages(m -> {
                    pending.add(m);
                    read[0]++;
                    if (pending.size() >= Math.max(1, batch)) {
                        target.importMessages(List.copyOf(pending));
                        pending.clear();
                        if (read[0] % 100_000 < batch) {
                            out.printf("  %,d messages copied%n", read[0]);
                        }
                    }
                });
                target.importMessages(pending);
                target.importHeads(source.exportHeads());
                target.importCursors(source.exportCursors());
                close(opened);
                opened.clear();
                // Opened again: the counts are of what a restarted server reads.
                MessageArchive check = open(to, toUser, toPassword, opened, false);
                MessageArchive.Counts got = check.counts();
                out.printf("%s holds %,d messages, %,d inbox entries, %,d inbox heads, %,d cursors%n", to,
                        got.messages(), got.entries(), got.heads(), got.cursors());
                if (!got.equals(expected)) {
                    out.println("The counts differ: the target held other messages before, or the copy was cut "
                            + "short. Run it again into an empty target.");
                    return DIFFERENT;
                }
                out.println("The counts match.");
                return 0;
            } finally {
                close(opened);
            }
        }

        private static MessageArchive open(String spec, String user, String password, List<AutoCloseable> opened,
                boolean source) {
            if (spec.startsWith("log:")) {
                Path dir = Path.of(spec.substring("log:".length()));
                if (source && !java.nio.file.Files.isDirectory(dir)) {
                    throw new IllegalArgumentException("No message log in " + dir.toAbsolutePath());
                }
                LogMessageStore log = new LogMessageStore(dir, true);
                opened.add(log);
                log.lastSeq(0); // answers UNAVAILABLE, with the reason, if the log cannot be opened
                return log;
            }
            if (spec.startsWith("jdbc:")) {
                JdbcDatabase db = source ? Db.open(spec, user, password) : new JdbcDatabase(spec, user, password, 4,
                        10_000);
                opened.add(db::close);
                return new JdbcMessageStore(db);
            }
            throw new IllegalArgumentException("A store is log:<folder> or a JDBC URL, not '" + spec + "'");
        }
    }

    @Command(name = "database", mixinStandardHelpOptions = true,
            description = {"Copies every table of one Parley database to another (accounts, tokens, friends, "
                    + "groups, and the messages kept there), e.g. the embedded H2 to MySQL.",
                "The target's schema is made or brought up to date first."})
    static final class Database implements Callable<Integer> {
        @Option(names = "--from", required = true, description = "JDBC URL of the source, e.g. jdbc:h2:file:./data/parley")
        String from;
        @Option(names = "--to", required = true, description = "JDBC URL of the target, e.g. jdbc:mysql://127.0.0.1:3306/parley")
        String to;
        @Option(names = "--from-user", defaultValue = "")
        String fromUser;
        @Option(names = "--from-password", defaultValue = "")
        String fromPassword;
        @Option(names = "--to-user", defaultValue = "")
        String toUser;
        @Option(names = "--to-password", defaultValue = "")
        String toPassword;
        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;

        @Override
        public Integer call() {
            PrintWriter out = spec.commandLine().getOut();
            JdbcDatabase source = Db.open(from, fromUser, fromPassword);
            try {
                JdbcDatabase target = new JdbcDatabase(to, toUser, toPassword, 4, 10_000);
                try {
                    List<DatabaseCopy.Count> counts = DatabaseCopy.copy(source, target, out::println);
                    if (counts.stream().allMatch(DatabaseCopy.Count::matches)) {
                        out.println("The counts match.");
                        return 0;
                    }
                    out.println("The counts differ where marked: the target held other rows before. Copy into an "
                            + "empty database.");
                    return DIFFERENT;
                } finally {
                    target.close();
                }
            } finally {
                source.close();
            }
        }
    }

    private static void close(List<AutoCloseable> opened) {
        for (AutoCloseable c : opened) {
            try {
                c.close();
            } catch (Exception e) {
                // closing what was opened; the command's own outcome is what matters
            }
        }
    }
}
