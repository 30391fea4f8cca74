package io.parley.itests;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertTrue;

import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.After;
import org.junit.Test;

/**
 * bin/parley-chat's script commands against a real bin/parley, run as a script would: no terminal, the
 * password in PARLEY_PASSWORD or a file, the outcome in the exit code.
 */
public class ChatCliIT {

    private Distribution dist;
    /** Where the runs keep their tokens: not the user's ~/.parley. */
    private Path tokens;

    @After
    public void tearDown() throws Exception {
        if (dist != null) {
            dist.close();
        }
    }

    /** What one run of bin/parley-chat did. */
    private record Ran(int status, String out, String err) {
    }

    private Ran chat(String password, String... args) throws Exception {
        List<String> command = new ArrayList<>();
        command.add(dist.home.resolve("bin/parley-chat").toString());
        command.addAll(List.of(args));
        return run(password, command);
    }

    private Ran run(String password, List<String> command) throws Exception {
        ProcessBuilder builder = new ProcessBuilder(command).redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
        Map<String, String> env = builder.environment();
        env.remove("PARLEY_PASSWORD");
        if (password != null) {
            env.put("PARLEY_PASSWORD", password);
        }
        env.put("PARLEY_SERVER", "127.0.0.1:" + dist.port);
        env.put("PARLEY_TOKENS", tokens.toString());
        Path out = Files.createTempFile("chat", ".out");
        Path err = Files.createTempFile("chat", ".err");
        Process p = builder.redirectOutput(out.toFile()).redirectError(err.toFile()).start();
        assertTrue("parley-chat ended in time", p.waitFor(60, TimeUnit.SECONDS));
        return new Ran(p.exitValue(), Files.readString(out, StandardCharsets.UTF_8),
                Files.readString(err, StandardCharsets.UTF_8));
    }

    private static void noStackTrace(Ran ran) {
        assertFalse(ran.err(), ran.err().contains("\tat ") || ran.err().contains("Exception in thread"));
    }

    /**
     * The line UI through a pseudo-terminal (util-linux script): dave logs in, a message from carol appears while
     * he is typing, and the line he finishes is sent.
     */
    private void interactive() throws Exception {
        ProcessBuilder builder = new ProcessBuilder("script", "-qfec",
                dist.home.resolve("bin/parley-chat") + " --user dave", "/dev/null").redirectErrorStream(true);
        builder.environment().put("PARLEY_PASSWORD", "battery staple");
        builder.environment().put("PARLEY_SERVER", "127.0.0.1:" + dist.port);
        builder.environment().put("TERM", "xterm");
        builder.environment().put("PARLEY_TOKENS", tokens.toString());
        Process p = builder.start();
        StringBuffer screen = new StringBuffer();
        Thread reader = new Thread(() -> {
            try (var in = p.getInputStream()) {
                byte[] buf = new byte[4096];
                for (int n; (n = in.read(buf)) > 0;) {
                    screen.append(new String(buf, 0, n, StandardCharsets.UTF_8));
                }
            } catch (java.io.IOException ignored) {
                // the process ended
            }
        });
        reader.start();
        try (var keys = p.getOutputStream()) {
            dist.awaitTrue("dave to be logged in", java.time.Duration.ofSeconds(30),
                    () -> screen.toString().contains("Logged in as dave"));
            keys.write("/msg carol hi".getBytes(StandardCharsets.UTF_8));
            keys.flush();
            assertEquals(0, chat("correct horse", "send", "--user", "carol", "--to", "dave", "while you type").status());
            dist.awaitTrue("carol's message above the prompt", java.time.Duration.ofSeconds(10),
                    () -> screen.toString().contains("carol: while you type"));
            keys.write(" back\n".getBytes(StandardCharsets.UTF_8));
            keys.flush();
            dist.awaitTrue("dave's own line in the conversation", java.time.Duration.ofSeconds(10),
                    () -> screen.toString().contains("dave: hi back"));
            keys.write("/profile nickname Dave D.\n".getBytes(StandardCharsets.UTF_8));
            keys.flush();
            dist.awaitTrue("the nickname changed", java.time.Duration.ofSeconds(10),
                    () -> screen.toString().contains("Your nickname is now: Dave D."));
            keys.write("/quit\n".getBytes(StandardCharsets.UTF_8));
            keys.flush();
            assertTrue("/quit ends it", p.waitFor(20, TimeUnit.SECONDS));
            assertEquals(screen.toString(), 0, p.exitValue());
        } finally {
            p.destroyForcibly();
        }
        Ran carol = chat("correct horse", "tail", "--user", "carol", "--count", "5");
        assertTrue(carol.out(), carol.out().contains("\"from\":\"dave\",\"to\":\"carol\",\"text\":\"hi back\""));
    }

    @Test
    public void scriptsSendTailAndListAndTellFailuresApartByExitCode() throws Exception {
        dist = new Distribution();
        tokens = Files.createTempDirectory("tokens").resolve("kept");
        dist.start();
        // As README's "Chat from a terminal" does it, friendship required as shipped.
        assertEquals(0, chat("correct horse", "register", "--user", "carol").status());
        assertEquals(0, chat("battery staple", "register", "--user", "dave").status());
        Ran taken = chat("other", "register", "--user", "dave");
        assertEquals(taken.err(), 1, taken.status());
        Ran stranger = chat("correct horse", "send", "--user", "carol", "--to", "dave", "too early");
        assertEquals("not friends yet: " + stranger.err(), 1, stranger.status());
        assertEquals(0, chat("correct horse", "add-friend", "--user", "carol", "dave", "it's", "carol").status());
        assertEquals(0, chat("battery staple", "accept", "--user", "dave", "carol").status());

        Ran sent = chat("correct horse", "send", "--user", "carol", "--to", "dave", "hello", "dave", "😀");
        assertEquals(sent.err(), 0, sent.status());
        assertTrue("the message id: " + sent.out(), sent.out().trim().matches("\\d+"));

        Path kept = tokens.resolve("127.0.0.1_" + dist.port + "_carol@cli");
        assertEquals("the token is readable by its owner alone", "rw-------",
                java.nio.file.attribute.PosixFilePermissions.toString(Files.getPosixFilePermissions(kept)));
        assertEquals("rwx------", java.nio.file.attribute.PosixFilePermissions.toString(
                Files.getPosixFilePermissions(tokens)));
        Ran resumed = chat(null, "send", "--user", "carol", "--to", "dave", "no", "password", "asked");
        assertEquals("the next run resumes with the kept token: " + resumed.err(), 0, resumed.status());
        Files.writeString(kept, "revoked-or-made-up");
        Ran stale = chat(null, "send", "--user", "carol", "--to", "dave", "x");
        assertEquals("a refused token falls back to the password, here none: " + stale.err(), 2, stale.status());
        assertFalse("and the refused token is forgotten", Files.exists(kept));

        Ran tail = chat("battery staple", "tail", "--user", "dave", "--count", "2");
        assertEquals(tail.err(), 0, tail.status());
        assertTrue(tail.out(), tail.out().matches("(?s)\\{\"seq\":1,\"msgId\":" + sent.out().trim()
                + ",\"kind\":\"msg\",\"from\":\"carol\",\"to\":\"dave\",\"text\":\"hello dave 😀\",\"ts\":\\d+}\\s*"
                + "\\{\"seq\":2,.*\"text\":\"no password asked\".*"));

        Path secret = Files.createTempFile("password", ".txt");
        Files.writeString(secret, "correct horse\n");
        assertEquals(0, chat(null, "send", "--user", "carol", "--password-file", secret.toString(), "--to", "dave",
                "second").status());
        Ran next = chat(null, "tail", "--user", "dave", "--count", "1");
        assertEquals(next.err(), 0, next.status());
        assertTrue("the first tail acknowledged what it printed: " + next.out(), next.out().contains("\"text\":\"second\"")
                && !next.out().contains("hello dave"));

        Ran friends = chat("battery staple", "friends", "--user", "dave");
        assertEquals(friends.err(), 0, friends.status());
        assertEquals("carol", friends.out().trim());
        Ran json = chat("battery staple", "friends", "--user", "dave", "--json");
        assertTrue(json.out(), json.out().contains("\"friends\":[{\"username\":\"carol\""));
        Ran alone = run("battery staple", List.of("java", "-jar", System.getProperty("parley.chat.jar"), "friends",
                "--user", "dave", "--forget"));
        assertEquals("the same from the one jar a developer downloads: " + alone.err(), "carol", alone.out().trim());

        Ran wrong = chat("wrong password", "send", "--user", "carol", "--device", "other", "--to", "dave", "x");
        assertEquals(wrong.err(), 4, wrong.status());
        assertTrue(wrong.err(), wrong.err().startsWith("parley-chat: log in as carol: "));
        noStackTrace(wrong);

        Ran nobody = chat("correct horse", "send", "--user", "carol", "--to", "nobody_here", "x");
        assertEquals(nobody.err(), 5, nobody.status());
        noStackTrace(nobody);

        Ran noPassword = chat(null, "send", "--user", "carol", "--device", "new", "--to", "dave", "x");
        assertEquals(noPassword.err(), 2, noPassword.status());
        assertTrue(noPassword.err(), noPassword.err().contains("no password"));

        Ran both = chat("correct horse", "send", "--user", "carol", "--to", "dave", "--group", "1", "x");
        assertEquals(both.err(), 2, both.status());

        interactive();

        int closed = Distribution.freePort();
        Ran unreachable = chat("correct horse", "send", "--server", "127.0.0.1:" + closed, "--user", "carol",
                "--to", "dave", "x");
        assertEquals(unreachable.err(), 3, unreachable.status());
        assertTrue(unreachable.err(), unreachable.err().startsWith("parley-chat: cannot reach 127.0.0.1:" + closed));
        noStackTrace(unreachable);
    }
}
