package io.parley.itests;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import io.parley.client.ParleyClient;
import io.parley.testkit.exam.Jars;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import org.junit.After;
import org.junit.Test;

/**
 * The admin API and console of a real bin/parley, as an operator sets them up: a token written into
 * etc/io.parley.admin.cfg, commands over HTTP and typed at the Gogo console (bin/parley on a pseudo-terminal,
 * util-linux script), each one in logs/audit.log; health and metrics on the same port.
 */
public class AdminDistributionIT {

    private static final String TOKEN = "a-test-token-of-more-than-32-characters-0123456789";
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    private Distribution dist;
    private Process console;

    @After
    public void tearDown() throws Exception {
        clients.forEach(ParleyClient::close);
        if (console != null) {
            console.destroyForcibly();
        }
        if (dist != null) {
            // bin/parley execs java in its own process, whose pid it writes down: script's end does not end it.
            Path pid = dist.home.resolve("data/parley.pid");
            if (Files.exists(pid)) {
                new ProcessBuilder("kill", "-9", Files.readString(pid).trim()).start().waitFor(10, TimeUnit.SECONDS);
            }
            dist.close();
        }
    }

    private HttpResponse<String> http(int port, String method, String path, String body) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                .timeout(Duration.ofSeconds(20)).header("Authorization", "Bearer " + TOKEN);
        b.method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        return HTTP.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    @Test
    public void anOperatorRunsCommandsOverHttpAndAtTheConsoleAndEachIsAudited() throws Exception {
        dist = new Distribution();
        int adminPort = Distribution.freePort();
        dist.setConfig("io.parley.admin", "token", TOKEN);
        dist.setConfig("io.parley.admin", "port", Integer.toString(adminPort));
        ProcessBuilder builder = new ProcessBuilder("script", "-qfec", dist.home.resolve("bin/parley").toString(),
                "/dev/null").redirectErrorStream(true);
        builder.environment().put("TERM", "dumb");
        console = builder.start();
        StringBuffer screen = new StringBuffer();
        Thread reader = new Thread(() -> {
            try (var in = console.getInputStream()) {
                byte[] buf = new byte[4096];
                for (int n; (n = in.read(buf)) > 0;) {
                    screen.append(new String(buf, 0, n, StandardCharsets.UTF_8));
                }
            } catch (java.io.IOException ignored) {
                // the process ended
            }
        });
        reader.setDaemon(true);
        reader.start();
        dist.awaitTrue("the admin API", Duration.ofSeconds(60),
                () -> screen.toString().contains("Parley admin API listening on 127.0.0.1:" + adminPort));
        dist.awaitTrue("every bundle's commands", Duration.ofSeconds(30), () -> {
            try {
                String listing = http(adminPort, "GET", "/api", null).body();
                return listing.contains("users.create") && listing.contains("sessions.list");
            } catch (Exception e) {
                return false;
            }
        });

        HttpResponse<String> created = http(adminPort, "POST", "/api/users.create",
                "{\"username\":\"opal\",\"password\":\"password-1\"}");
        assertEquals(created.body(), 200, created.statusCode());
        keys = console.getOutputStream();
        keys.write("parley:admin users.list prefix=op\n".getBytes(StandardCharsets.UTF_8));
        keys.flush();
        dist.awaitTrue("the console's answer", Duration.ofSeconds(20),
                () -> screen.toString().contains("\"username\": \"opal\""));
        keys.write("parley:admin users.ban username=opal reason=testing\n".getBytes(StandardCharsets.UTF_8));
        keys.flush();
        dist.awaitTrue("the console's ban", Duration.ofSeconds(20),
                () -> screen.toString().contains("\"banned\": \"opal\""));

        assertEquals(200, http(adminPort, "GET", "/health/ready", null).statusCode());
        HttpResponse<String> metrics = http(adminPort, "GET", "/metrics", null);
        assertEquals(200, metrics.statusCode());
        assertTrue(metrics.body().contains("parley_connections{carrier=\"tcp\"}"));

        everyCommandBothWays(adminPort, keys);

        String audit = Files.readString(dist.home.resolve("logs/audit.log"));
        assertTrue(audit, audit.contains("\"via\":\"http\",\"from\":\"127.0.0.1\",\"command\":\"users.create\""));
        assertTrue(audit, audit.contains("\"password\":\"***\""));
        assertTrue(audit, audit.contains("\"via\":\"console\",\"from\":\"console\",\"command\":\"users.list\""));
        assertTrue(audit, audit.contains("\"command\":\"users.ban\""));
        assertTrue("no password in the audit log", !audit.contains("password-1"));
    }

    private int adminPort;
    private java.io.OutputStream keys;

    /** Runs a command over HTTP; it must answer 200. */
    private JsonObject viaHttp(String command, String arguments) throws Exception {
        HttpResponse<String> r = http(adminPort, "POST", "/api/" + command, arguments);
        assertEquals(command + " " + arguments + ": " + r.body(), 200, r.statusCode());
        return JsonParser.parseString(r.body()).getAsJsonObject();
    }

    /** Types a command at the console and waits for its audit line; it must have run (200). */
    private void atConsole(String command, String arguments) throws Exception {
        Path log = dist.home.resolve("logs/audit.log");
        long before = auditLines(log, command, "console").size();
        keys.write(("parley:admin " + command + (arguments.isEmpty() ? "" : " " + arguments) + "\n")
                .getBytes(StandardCharsets.UTF_8));
        keys.flush();
        dist.awaitTrue(command + " at the console", Duration.ofSeconds(20),
                () -> auditLines(log, command, "console").size() > before);
        List<JsonObject> lines = auditLines(log, command, "console");
        assertEquals(command + " " + arguments + ": " + lines.get(lines.size() - 1), 200,
                lines.get(lines.size() - 1).get("status").getAsInt());
    }

    private static List<JsonObject> auditLines(Path log, String command, String via) {
        try {
            if (!Files.exists(log)) {
                return List.of();
            }
            return Files.readAllLines(log, StandardCharsets.UTF_8).stream().filter(l -> !l.isBlank())
                    .map(l -> JsonParser.parseString(l).getAsJsonObject())
                    .filter(o -> o.get("command").getAsString().equals(command) && o.get("via").getAsString().equals(via))
                    .toList();
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private Set<String> listing() throws Exception {
        Set<String> names = new TreeSet<>();
        for (JsonElement c : JsonParser.parseString(http(adminPort, "GET", "/api", null).body()).getAsJsonObject()
                .getAsJsonArray("commands")) {
            names.add(c.getAsJsonObject().get("name").getAsString());
        }
        return names;
    }

    private ParleyClient user(String name) throws Exception {
        ParleyClient c = ParleyClient.connect("127.0.0.1", dist.port).get(10, TimeUnit.SECONDS);
        clients.add(c);
        c.login(name, "password-1", "pc").get(15, TimeUnit.SECONDS);
        return c;
    }

    private final List<ParleyClient> clients = new ArrayList<>();

    /**
     * Every command the server lists (the QQ feature's while it is installed) runs over HTTP and at the console
     * of this real bin/parley, each with an effect to run on; the audit log shows each ran both ways.
     */
    private void everyCommandBothWays(int port, java.io.OutputStream console) throws Exception {
        adminPort = port;
        keys = console;
        Set<String> listed = listing();
        String[] u = new String[8];
        for (int i = 1; i < u.length; i++) {
            u[i] = "every" + i;
            if (i < 7) {
                viaHttp("users.create", "{\"username\":\"" + u[i] + "\",\"password\":\"password-1\"}");
            }
        }
        atConsole("users.create", "username=" + u[7] + " password=password-1");
        viaHttp("users.list", "{\"prefix\":\"every\"}");
        atConsole("users.list", "prefix=every");
        user(u[1]);
        user(u[2]);
        viaHttp("sessions.list", "{\"username\":\"" + u[1] + "\"}");
        atConsole("sessions.list", "username=" + u[2]);
        viaHttp("stats", "{}");
        atConsole("stats", "");
        viaHttp("sessions.kick", "{\"username\":\"" + u[1] + "\"}");
        atConsole("sessions.kick", "username=" + u[2]);
        viaHttp("users.reset-password", "{\"username\":\"" + u[1] + "\",\"password\":\"password-1\"}");
        atConsole("users.reset-password", "username=" + u[2] + " password=password-1");
        viaHttp("users.erase", "{\"username\":\"" + u[1] + "\"}");
        atConsole("users.erase", "username=" + u[2]);
        viaHttp("users.ban", "{\"username\":\"" + u[3] + "\"}");
        atConsole("users.ban", "username=" + u[4]);
        viaHttp("users.unban", "{\"username\":\"" + u[4] + "\"}");
        atConsole("users.unban", "username=" + u[3]);
        viaHttp("config.show", "{}");
        atConsole("config.show", "pid=io.parley.transport");
        viaHttp("messages.notice", "{\"username\":\"" + u[1] + "\",\"text\":\"hello\",\"transaction\":\"d1\"}");
        atConsole("messages.notice", "text=hello-everyone transaction=d2");

        ParleyClient owner = user(u[5]);
        ParleyClient member = user(u[6]);
        owner.addFriend(u[6], null).get(10, TimeUnit.SECONDS);
        member.acceptFriend(u[5]).get(10, TimeUnit.SECONDS);
        long[] g = new long[3];
        for (int i = 0; i < g.length; i++) {
            g[i] = owner.createGroup("group" + i, List.of(u[6])).get(10, TimeUnit.SECONDS);
        }
        viaHttp("groups.list", "{}");
        atConsole("groups.list", "limit=5");
        viaHttp("groups.info", "{\"groupId\":" + g[0] + "}");
        atConsole("groups.info", "groupId=" + g[1]);
        viaHttp("groups.remove-member", "{\"groupId\":" + g[0] + ",\"usernames\":[\"" + u[6] + "\"]}");
        atConsole("groups.remove-member", "groupId=" + g[1] + " usernames=" + u[6]);
        viaHttp("groups.dissolve", "{\"groupId\":" + g[0] + "}");
        atConsole("groups.dissolve", "groupId=" + g[1]);

        viaHttp("features.list", "{}");
        atConsole("features.list", "");
        viaHttp("features.install", "{\"name\":\"qq-group-rules\"}");
        dist.awaitTrue("the QQ commands", Duration.ofSeconds(30), () -> {
            try {
                return listing().contains("qq.settings");
            } catch (Exception e) {
                return false;
            }
        });
        listed.addAll(listing());
        long qq = g[2];
        viaHttp("qq.set-role", "{\"groupId\":" + qq + ",\"username\":\"" + u[6] + "\",\"role\":\"admin\"}");
        atConsole("qq.set-role", "groupId=" + qq + " username=" + u[6] + " role=member");
        viaHttp("qq.mute", "{\"groupId\":" + qq + ",\"username\":\"" + u[6] + "\",\"seconds\":60}");
        atConsole("qq.mute", "groupId=" + qq + " username=" + u[6] + " seconds=0");
        viaHttp("qq.mute-all", "{\"groupId\":" + qq + ",\"on\":true}");
        atConsole("qq.mute-all", "groupId=" + qq + " on=false");
        viaHttp("qq.settings", "{\"groupId\":" + qq + ",\"joinMode\":\"approval\"}");
        atConsole("qq.settings", "groupId=" + qq + " maxMembers=10");
        viaHttp("qq.transfer", "{\"groupId\":" + qq + ",\"username\":\"" + u[6] + "\"}");
        atConsole("qq.transfer", "groupId=" + qq + " username=" + u[5]);
        atConsole("features.update", "name=qq-group-rules");
        viaHttp("features.uninstall", "{\"name\":\"qq-group-rules\"}");
        atConsole("features.install", "name=qq-group-rules");
        viaHttp("features.update", "{\"name\":\"qq-group-rules\"}");
        atConsole("features.uninstall", "name=qq-group-rules");

        try (DirectoryStream<Path> jars = Files.newDirectoryStream(dist.home.resolve("bundle"),
                "parley-{friends,web}-*.jar")) {
            for (Path jar : jars) {
                Jars.rebuild(jar, dist.home.resolve("updates").resolve(jar.getFileName()));
            }
        }
        viaHttp("bundles.list", "{}");
        atConsole("bundles.list", "");
        viaHttp("bundles.update", "{\"name\":\"io.parley.friends\"}");
        atConsole("bundles.update", "name=io.parley.web");

        viaHttp("users.delete", "{\"username\":\"" + u[6] + "\"}");
        atConsole("users.delete", "username=" + u[7]);
        clients.forEach(ParleyClient::close);

        Path log = dist.home.resolve("logs/audit.log");
        for (String command : listed) {
            for (String via : new String[] {"http", "console"}) {
                assertTrue(command + " ran over " + via, auditLines(log, command, via).stream()
                        .anyMatch(o -> o.get("status").getAsInt() == 200));
            }
        }
        assertTrue(listed.toString(), listed.contains("users.delete") && listed.contains("qq.mute")
                && listed.contains("groups.dissolve") && listed.contains("messages.notice"));
    }
}
