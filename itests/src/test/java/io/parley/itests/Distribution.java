package io.parley.itests;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.fail;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

/** A private copy of distribution/target/parley, started and stopped with bin/parley as an operator would. */
final class Distribution implements AutoCloseable {

    final Path home;
    int port;
    /** The HTTP port: the web client at / and WebSocket at /ws. */
    int httpPort;
    private Process process;
    private int starts;

    Distribution() throws Exception {
        home = Files.createTempDirectory("parley-dist").resolve("parley");
        Process copy = new ProcessBuilder("cp", "-a", System.getProperty("parley.distribution"), home.toString())
                .inheritIO().start();
        assertEquals("copying the distribution", 0, copy.waitFor());
        // A fresh server: no database or log left by someone running target/parley by hand.
        for (String dir : new String[] {"data", "logs", "deploy"}) {
            Process clean = new ProcessBuilder("find", home.resolve(dir).toString(), "-mindepth", "1", "-delete")
                    .inheritIO().start();
            assertEquals("emptying " + dir, 0, clean.waitFor());
        }
        port = freePort();
        setConfig("io.parley.transport", "port", Integer.toString(port));
        httpPort = freePort();
        setConfig("io.parley.websocket", "httpPort", Integer.toString(httpPort));
        // Every test client comes from 127.0.0.1 and sends as fast as it can: the limits are tested in LimitsIT.
        setConfig("io.parley.transport", "userRates", "");
        setConfig("io.parley.transport", "maxConnectionsPerAddress", "0");
        setConfig("io.parley.accounts", "maxRegistrationsPerAddress", "0");
        setConfig("io.parley.accounts", "maxPasswordChecksPerAddress", "0");
    }

    /** Starts bin/parley and waits until it listens. */
    void start() throws Exception {
        starts++;
        Path console = home.resolve("console-" + starts + ".txt");
        process = new ProcessBuilder(home.resolve("bin/parley").toString())
                .redirectErrorStream(true)
                .redirectOutput(console.toFile())
                .start();
        awaitTrue("the server to listen", Duration.ofSeconds(60), () -> console().contains("Parley listening on 0.0.0.0:" + port));
        if (Files.exists(home.resolve("etc/io.parley.websocket.cfg"))) {
            awaitTrue("the HTTP port to listen", Duration.ofSeconds(30),
                    () -> console().contains("Parley HTTP listening on 0.0.0.0:" + httpPort));
        }
    }

    /** What this start printed to the console. */
    String console() {
        return read(home.resolve("console-" + starts + ".txt"));
    }

    /** Everything every start wrote to logs/parley.log. */
    String log() {
        return read(home.resolve("logs/parley.log"));
    }

    private static String read(Path file) {
        try {
            return Files.exists(file) ? Files.readString(file, StandardCharsets.UTF_8) : "";
        } catch (IOException e) {
            return "";
        }
    }

    /**
     * Makes this a node of a cluster, as README says: messages and everything else in the MariaDB database at
     * {@code url}, Redis (this database index) as the cache and the bus between nodes.
     */
    void joinCluster(String url, int redisDatabase, String nodeId) throws IOException {
        // Messages in the shared database, not in a log of each node's own.
        removeConfig("io.parley.storage.log");
        setConfig("io.parley.storage", "messages", "jdbc");
        setConfig("io.parley.storage", "cache", "redis");
        setConfig("io.parley.storage.jdbc", "url", url);
        setConfig("io.parley.storage.jdbc", "user", "root");
        setConfig("io.parley.storage.jdbc", "password", "");
        setConfig("io.parley.storage.redis", "database", Integer.toString(redisDatabase));
        setConfig("io.parley.storage.redis", "nodeId", nodeId);
    }

    /** Sets one key of etc/&lt;pid&gt;.cfg, replacing the file in one move as an editor would. */
    void setConfig(String pid, String key, String value) throws IOException {
        Path cfg = home.resolve("etc/" + pid + ".cfg");
        String text = Files.exists(cfg) ? Files.readString(cfg) : "";
        String line = key + "=" + value;
        text = text.matches("(?s).*(?m:^" + key + "=).*") ? text.replaceAll("(?m)^" + key + "=.*$", line)
                : text + System.lineSeparator() + line + System.lineSeparator();
        Path tmp = home.resolve(pid + ".cfg.tmp");
        Files.writeString(tmp, text);
        Files.move(tmp, cfg, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }

    /** Deletes etc/&lt;pid&gt;.cfg, as an operator turning a component off would. */
    void removeConfig(String pid) throws IOException {
        Files.deleteIfExists(home.resolve("etc/" + pid + ".cfg"));
    }

    /** SIGTERM, as Ctrl-C or a service manager would; true when it exited in time. */
    boolean stop() throws InterruptedException {
        process.destroy();
        return process.waitFor(20, TimeUnit.SECONDS);
    }

    /** SIGKILL: no shutdown hook, no cleanup. */
    void kill() throws InterruptedException {
        process.destroyForcibly();
        process.waitFor(20, TimeUnit.SECONDS);
    }

    boolean isAlive() {
        return process != null && process.isAlive();
    }

    static boolean accepts(int port) {
        try (Socket s = new Socket("127.0.0.1", port)) {
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    void awaitTrue(String what, Duration timeout, BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!condition.getAsBoolean()) {
            if (process != null && !process.isAlive()) {
                fail("the server exited while waiting for " + what + ":\n" + console());
            }
            if (System.nanoTime() > deadline) {
                fail("Timed out waiting for " + what + "; console:\n" + console());
            }
            Thread.sleep(100);
        }
    }

    @Override
    public void close() throws InterruptedException {
        if (isAlive()) {
            kill();
        }
    }
}
