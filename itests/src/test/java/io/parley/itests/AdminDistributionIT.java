package io.parley.itests;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
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
        var keys = console.getOutputStream();
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

        String audit = Files.readString(dist.home.resolve("logs/audit.log"));
        assertTrue(audit, audit.contains("\"via\":\"http\",\"from\":\"127.0.0.1\",\"command\":\"users.create\""));
        assertTrue(audit, audit.contains("\"password\":\"***\""));
        assertTrue(audit, audit.contains("\"via\":\"console\",\"from\":\"console\",\"command\":\"users.list\""));
        assertTrue(audit, audit.contains("\"command\":\"users.ban\""));
        assertTrue("no password in the audit log", !audit.contains("password-1"));
    }
}
