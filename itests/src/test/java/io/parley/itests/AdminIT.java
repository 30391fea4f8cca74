package io.parley.itests;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertTrue;
import static org.ops4j.pax.exam.CoreOptions.frameworkProperty;
import static org.ops4j.pax.exam.CoreOptions.systemProperty;
import static org.ops4j.pax.exam.cm.ConfigurationAdminOptions.newConfiguration;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import io.parley.client.ParleyClient;
import io.parley.protocol.Status;
import io.parley.testkit.exam.Jars;
import io.parley.testkit.exam.ParleyTestSupport;
import java.io.File;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import javax.inject.Inject;
import org.apache.felix.service.command.CommandProcessor;
import org.junit.Test;
import org.junit.runner.RunWith;
import org.ops4j.pax.exam.Option;
import org.ops4j.pax.exam.junit.PaxExam;
import org.ops4j.pax.exam.spi.reactors.ExamReactorStrategy;
import org.ops4j.pax.exam.spi.reactors.PerClass;
import org.osgi.framework.Bundle;

/**
 * The admin commands, each run over the HTTP API and at the Gogo console, and what the API answers to a missing
 * or wrong token (401, nothing runs), an unknown command (404), bad arguments (400) and a command that fails
 * midway (503 while a bundle it needs is stopped); every run leaves its line in the audit log. docs/admin-api.md's reference is checked against the
 * commands themselves.
 */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerClass.class)
public class AdminIT extends ParleyTestSupport {

    private static final String TOKEN = "0123456789abcdef0123456789abcdef-admin-test";

    @Inject
    private CommandProcessor processor;

    @Override
    protected Option[] extraOptions() {
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        Path dir;
        try {
            dir = Files.createTempDirectory("parley-admin");
            Files.createDirectories(dir.resolve("features"));
            Files.copy(Path.of(System.getProperty("parley.feature.qq")), dir.resolve("features/qq-group-rules.jar"),
                    StandardCopyOption.REPLACE_EXISTING);
            // New builds of two bundles, for bundles.update.
            Files.createDirectories(dir.resolve("updates"));
            try (var jars = Files.newDirectoryStream(Path.of(System.getProperty("parley.bundles")),
                    "parley-{friends,web}-*.jar")) {
                for (Path jar : jars) {
                    Jars.rebuild(jar, dir.resolve("updates").resolve(jar.getFileName()));
                }
            }
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        return new Option[] {
            systemProperty("parley.test.adminPort").value(Integer.toString(port)),
            systemProperty("parley.test.audit").value(dir.resolve("audit.log").toString()),
            systemProperty("parley.test.docs").value(new File("../docs/admin-api.md").getAbsolutePath()),
            systemProperty("parley.test.generated").value(new File("target/admin-api-commands.md").getAbsolutePath()),
            frameworkProperty("parley.features").value(dir.resolve("features").toString()),
            frameworkProperty("parley.updates").value(dir.resolve("updates").toString()),
            newConfiguration("io.parley.admin")
                    .put("host", "127.0.0.1")
                    .put("port", Integer.toString(port))
                    .put("token", TOKEN)
                    .put("auditLog", dir.resolve("audit.log").toString())
                    .asOption(),
        };
    }

    private static final HttpClient HTTP = HttpClient.newHttpClient();

    private static HttpResponse<String> http(String method, String path, String token, String body) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:"
                + Integer.getInteger("parley.test.adminPort") + path)).timeout(Duration.ofSeconds(20));
        if (token != null) {
            b.header("Authorization", "Bearer " + token);
        }
        b.method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        return HTTP.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    /** POST /api/NAME with the token; the answer's JSON. */
    private static JsonObject post(String command, String arguments, int expectedStatus) throws Exception {
        HttpResponse<String> r = http("POST", "/api/" + command, TOKEN, arguments);
        assertEquals(command + " " + arguments + ": " + r.body(), expectedStatus, r.statusCode());
        assertTrue(r.headers().firstValue("Content-Type").orElse("").startsWith("application/json"));
        return JsonParser.parseString(r.body()).getAsJsonObject();
    }

    private static JsonElement result(String command, String arguments) throws Exception {
        return post(command, arguments, 200).get("result");
    }

    private String console(String line) throws Exception {
        return Console.run(processor, line).trim();
    }

    /** The console's JSON result of a command that succeeds. */
    private JsonElement consoleResult(String line) throws Exception {
        // The server's own log lines reach the console too (slf4j-simple writes to the same stream): not the result.
        String out = console(line).lines().filter(l -> !l.matches("^\\[[^\\]]*\\] (TRACE|DEBUG|INFO|WARN|ERROR) .*"))
                .collect(java.util.stream.Collectors.joining("\n"));
        assertFalse(line + " -> " + out, out.matches("^\\d{3} .*"));
        try {
            return JsonParser.parseString(out);
        } catch (Exception e) {
            throw new AssertionError(line + " printed what is not JSON: " + out);
        }
    }

    private void awaitAdmin() throws Exception {
        awaitServer();
        awaitTrue("the admin API", Duration.ofSeconds(20), () -> {
            try {
                return http("GET", "/api", TOKEN, null).statusCode() == 200;
            } catch (Exception e) {
                return false;
            }
        });
        awaitTrue("every bundle's commands", Duration.ofSeconds(20), () -> {
            try {
                String listing = http("GET", "/api", TOKEN, null).body();
                return listing.contains("users.list") && listing.contains("sessions.kick") && listing.contains("features.list");
            } catch (Exception e) {
                return false;
            }
        });
    }

    private static List<String> auditLines() throws IOException {
        Path log = Path.of(System.getProperty("parley.test.audit"));
        return Files.exists(log) ? Files.readAllLines(log, StandardCharsets.UTF_8) : List.of();
    }

    @Test
    public void noTokenOrAWrongOneIs401AndRunsNothing() throws Exception {
        awaitAdmin();
        String name = unique("tok");
        int audited = auditLines().size();
        String sameLength = TOKEN.substring(0, TOKEN.length() - 1) + "X";
        for (String token : new String[] {null, "wrong", TOKEN + "x", TOKEN.substring(1), sameLength}) {
            HttpResponse<String> r = http("POST", "/api/users.create", token,
                    "{\"username\":\"" + name + "\",\"password\":\"password-1\"}");
            assertEquals(String.valueOf(token), 401, r.statusCode());
            assertTrue(r.headers().firstValue("WWW-Authenticate").orElse("").startsWith("Bearer"));
            assertTrue(r.body(), r.body().contains("bearer token"));
        }
        assertEquals(401, http("GET", "/api", null, null).statusCode());
        HttpResponse<String> basic = HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:"
                + Integer.getInteger("parley.test.adminPort") + "/api")).header("Authorization", "Basic " + TOKEN).build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(401, basic.statusCode());
        JsonArray users = result("users.list", "{\"prefix\":\"" + name + "\"}").getAsJsonObject().getAsJsonArray("users");
        assertEquals("nothing was created", 0, users.size());
        assertEquals("only the listing just now was audited", audited + 1, auditLines().size());
    }

    @Test
    public void anUnknownCommandIs404AndBadArgumentsAre400() throws Exception {
        awaitAdmin();
        assertTrue(post("no.such", "{}", 404).get("error").getAsString().contains("No admin command"));
        String[][] bad = {
            {"users.create", "{\"username\":\"x\"}", "'password' is required"},
            {"users.create", "{\"username\":5,\"password\":\"password-1\"}", "'username' must be a string"},
            {"users.list", "{\"limit\":\"ten\"}", "'limit' must be a whole number"},
            {"users.list", "{\"limit\":1.5}", "'limit' must be a whole number"},
            {"users.list", "{\"limit\":0}", "'limit' must be 1 to 500"},
            {"users.list", "{\"colour\":\"red\"}", "takes no argument 'colour'"},
            {"users.list", "[1,2]", "must be a JSON object"},
            {"users.list", "{not json", "not JSON"},
            {"users.create", "{\"username\":\"a\",\"password\":\"password-1\"}", "3"},
            {"features.install", "{\"name\":\"../../etc/passwd\"}", "jar's name"},
        };
        for (String[] b : bad) {
            String error = post(b[0], b[1], 400).get("error").getAsString();
            assertTrue(b[0] + " " + b[1] + " -> " + error, error.contains(b[2]));
        }
        assertEquals(404, http("GET", "/nothing", TOKEN, null).statusCode());
        assertEquals(405, http("GET", "/api/stats", TOKEN, null).statusCode());
        // Arguments nobody declared are audited by name only: their values could be anything.
        post("users.list", "{\"colour\":\"a-value-to-keep-out\"}", 400);
        String audited = String.join("\n", auditLines());
        assertFalse(audited, audited.contains("a-value-to-keep-out"));
        assertTrue(audited, audited.contains("\"colour\":\"(not a parameter)\""));
        // The console says the same.
        assertTrue(console("parley:admin users.list limit=ten").startsWith("400 "));
        assertTrue(console("parley:admin no.such").startsWith("404 "));
    }

    @Test
    public void aCommandMeetingAStoppedBundleIs503WithASentenceAndAnAuditLine() throws Exception {
        awaitAdmin();
        String name = unique("mid");
        result("users.create", "{\"username\":\"" + name + "\",\"password\":\"password-1\"}");
        Bundle messaging = installed("io.parley.messaging");
        messaging.stop();
        try {
            HttpResponse<String> ready = http("GET", "/health/ready", null, null);
            assertEquals(ready.body(), 503, ready.statusCode());
            assertFalse(ready.body(), JsonParser.parseString(ready.body()).getAsJsonObject().getAsJsonObject("checks")
                    .get("messages").getAsBoolean());
            JsonObject answer = post("users.erase", "{\"username\":\"" + name + "\"}", 503);
            assertTrue(answer.toString(), answer.get("error").getAsString().contains("messaging"));
            String last = auditLines().get(auditLines().size() - 1);
            JsonObject line = JsonParser.parseString(last).getAsJsonObject();
            assertEquals("users.erase", line.get("command").getAsString());
            assertEquals(503, line.get("status").getAsInt());
            assertTrue(line.has("error"));
        } finally {
            messaging.start();
        }
    }

    @Test
    public void everyCommandRunsOverHttpAndAtTheConsoleAndIsAudited() throws Exception {
        awaitAdmin();
        TreeSet<String> listed = new TreeSet<>();
        for (JsonElement c : JsonParser.parseString(http("GET", "/api", TOKEN, null).body()).getAsJsonObject()
                .getAsJsonArray("commands")) {
            listed.add(c.getAsJsonObject().get("name").getAsString());
        }
        TreeSet<String> ran = new TreeSet<>();

        // users.create, over HTTP and at the console; users.list finds both, a page at a time.
        String web = unique("adm");
        String cons = web + "c";
        assertTrue(result("users.create", "{\"username\":\"" + web + "\",\"password\":\"password-1\"}")
                .getAsJsonObject().get("userId").getAsLong() > 0);
        assertTrue(consoleResult("parley:admin users.create username=" + cons + " password=password-2")
                .getAsJsonObject().get("userId").getAsLong() > 0);
        ran.add("users.create");
        JsonObject page = result("users.list", "{\"prefix\":\"" + web + "\",\"limit\":1}").getAsJsonObject();
        assertEquals(web, page.getAsJsonArray("users").get(0).getAsJsonObject().get("username").getAsString());
        assertEquals(web, page.get("next").getAsString());
        JsonObject second = consoleResult("parley:admin users.list prefix=" + web + " after=" + web).getAsJsonObject();
        assertEquals(cons, second.getAsJsonArray("users").get(0).getAsJsonObject().get("username").getAsString());
        assertTrue(second.get("next").isJsonNull());
        assertFalse("no password hash is listed", page.toString().contains("hash") || page.toString().contains("scram"));
        ran.add("users.list");

        // sessions.list, stats and sessions.kick with a user online.
        ParleyClient phone = client();
        await(phone.login(web, "password-1", "phone"));
        JsonArray sessions = result("sessions.list", "{\"username\":\"" + web + "\"}").getAsJsonArray();
        assertEquals("phone", sessions.get(0).getAsJsonObject().get("device").getAsString());
        assertEquals(1, consoleResult("parley:admin sessions.list username=" + web).getAsJsonArray().size());
        ran.add("sessions.list");
        assertTrue(result("stats", "{}").getAsJsonObject().get("sessions").getAsInt() >= 1);
        assertTrue(consoleResult("parley:admin stats").getAsJsonObject().getAsJsonArray("answers").toString()
                .contains("MSG_SEND"));
        ran.add("stats");
        CompletableFuture<io.parley.client.Notice> kicked = kickedNotice(phone);
        assertEquals(1, result("sessions.kick", "{\"username\":\"" + web + "\"}").getAsJsonObject().get("ended").getAsInt());
        await(kicked);
        ParleyClient tablet = client();
        await(tablet.login(cons, "password-2", "tablet"));
        assertEquals(1, consoleResult("parley:admin sessions.kick username=" + cons).getAsJsonObject().get("ended").getAsInt());
        assertEquals(404, http("POST", "/api/sessions.kick", TOKEN, "{\"username\":\"" + web + "\"}").statusCode());
        ran.add("sessions.kick");

        // users.reset-password: the old one no longer logs in, the new one does.
        result("users.reset-password", "{\"username\":\"" + web + "\",\"password\":\"password-new\"}");
        consoleResult("parley:admin users.reset-password username=" + cons + " password=password-new2");
        ParleyClient check = client();
        assertEquals(Status.UNAUTHENTICATED, failure(check.login(web, "password-1", "pc")).status());
        ParleyClient check2 = client();
        assertTrue(await(check2.login(web, "password-new", "pc")).userId() > 0);
        ParleyClient check3 = client();
        assertTrue(await(check3.login(cons, "password-new2", "pc")).userId() > 0);
        assertEquals(404, http("POST", "/api/users.reset-password", TOKEN,
                "{\"username\":\"nobody-here\",\"password\":\"password-new\"}").statusCode());
        ran.add("users.reset-password");

        // users.erase: messages gone, tokens revoked.
        await(check2.addFriend(cons, null));
        await(check3.acceptFriend(web));
        await(check3.sendMessage(web, "to be erased", "e1"));
        JsonObject erased = result("users.erase", "{\"username\":\"" + web + "\"}").getAsJsonObject();
        assertTrue(erased.toString(), erased.get("inboxEntries").getAsLong() >= 1);
        consoleResult("parley:admin users.erase username=" + cons);
        ran.add("users.erase");

        // users.ban and users.unban: a banned user cannot log in by SCRAM, LOGIN or RESUME, and is told why.
        ParleyClient b0 = client();
        io.parley.api.account.LoginResponse before = await(b0.login(web, "password-new", "pc"));
        CompletableFuture<io.parley.client.Notice> banned = kickedNotice(b0);
        assertEquals(web, result("users.ban", "{\"username\":\"" + web + "\",\"reason\":\"spam\"}").getAsJsonObject()
                .get("banned").getAsString());
        assertTrue(await(banned).json().get("reason").getAsString().contains("banned"));
        io.parley.api.ParleyException scram = failure(client().login(web, "password-new", "pc"));
        assertEquals(Status.FORBIDDEN, scram.status());
        assertTrue(scram.getMessage(), scram.getMessage().contains("banned") && scram.getMessage().contains("spam"));
        assertEquals(Status.FORBIDDEN, failure(client().loginPlain(web, "password-new", "pc")).status());
        assertEquals(Status.UNAUTHENTICATED, failure(client().resume(before.token(), "pc")).status());
        consoleResult("parley:admin users.ban username=" + cons);
        assertEquals(Status.FORBIDDEN, failure(client().login(cons, "password-new2", "pc")).status());
        consoleResult("parley:admin users.unban username=" + web);
        result("users.unban", "{\"username\":\"" + cons + "\"}");
        assertTrue(await(client().login(web, "password-new", "pc")).userId() > 0);
        assertTrue(await(client().login(cons, "password-new2", "pc")).userId() > 0);
        assertEquals(404, http("POST", "/api/users.ban", TOKEN, "{\"username\":\"nobody-here\"}").statusCode());
        ran.add("users.ban");
        ran.add("users.unban");

        // users.delete: the user and their data go; the friend is told, the group passes on, the name stays taken.
        String gone = registered("del");
        String friend = registered("del");
        ParleyClient cg = client();
        await(cg.login(gone, PASSWORD, "pc"));
        ParleyClient cf = client();
        await(cf.login(friend, PASSWORD, "pc"));
        befriend(cg, gone, cf, friend);
        long owned = await(cg.createGroup("mine", List.of(friend)));
        await(cg.sendMessage(friend, "before the deletion", "d1"));
        CompletableFuture<io.parley.client.Notice> deleted = kickedNotice(cg);
        JsonObject del = result("users.delete", "{\"username\":\"" + gone + "\"}").getAsJsonObject();
        await(deleted);
        assertEquals(del.toString(), 1, del.getAsJsonObject("forgotten").get("friends").getAsInt());
        assertEquals(del.toString(), 1, del.getAsJsonObject("forgotten").get("groups").getAsInt());
        assertTrue(del.toString(), del.get("inboxEntries").getAsLong() >= 2);
        assertEquals("the group passed to the member who stays", friend, await(cf.groupInfo(owned)).owner());
        assertTrue(await(cf.friends()).friends().isEmpty());
        assertEquals(Status.UNAUTHENTICATED, failure(client().login(gone, PASSWORD, "pc")).status());
        assertEquals(Status.CONFLICT, failure(client().register(gone, PASSWORD, null)).status());
        assertEquals(0, result("users.list", "{\"prefix\":\"" + gone + "\"}").getAsJsonObject()
                .getAsJsonArray("users").size());
        assertEquals(404, http("POST", "/api/users.delete", TOKEN, "{\"username\":\"" + gone + "\"}").statusCode());
        String gone2 = registered("del");
        assertEquals(gone2, consoleResult("parley:admin users.delete username=" + gone2).getAsJsonObject()
                .get("username").getAsString());
        ran.add("users.delete");

        // messages.notice: to one user and to everyone, stored once per transaction however often it is sent.
        String n1 = registered("ntc");
        String n2 = registered("ntc");
        String toOne = "{\"username\":\"" + n1 + "\",\"text\":\"maintenance at noon\",\"transaction\":\"one-" + n1
                + "\"}";
        assertEquals(1, result("messages.notice", toOne).getAsJsonObject().get("storedNow").getAsInt());
        JsonObject repeated = result("messages.notice", toOne).getAsJsonObject();
        assertEquals(repeated.toString(), 0, repeated.get("storedNow").getAsInt());
        assertTrue(repeated.get("repeat").getAsBoolean());
        String tx = "all-" + n1;
        JsonObject toAll = consoleResult("parley:admin messages.notice transaction=" + tx + " text=hello-everyone")
                .getAsJsonObject();
        int everyone = toAll.get("recipients").getAsInt();
        assertTrue(toAll.toString(), everyone >= 2);
        assertEquals(toAll.toString(), everyone, toAll.get("storedNow").getAsInt());
        JsonObject allAgain = result("messages.notice", "{\"text\":\"hello-everyone\",\"transaction\":\"" + tx + "\"}")
                .getAsJsonObject();
        assertEquals(allAgain.toString(), 0, allAgain.get("storedNow").getAsInt());
        assertEquals(everyone, allAgain.get("recipients").getAsInt());
        for (String user : List.of(n1, n2)) {
            ParleyClient r = client();
            await(r.login(user, PASSWORD, "pc"));
            List<io.parley.api.message.InboxEntry> notices = await(r.pull(0, 100)).messages().stream()
                    .filter(e -> "@server".equals(e.from())).toList();
            List<String> texts = new ArrayList<>();
            for (io.parley.api.message.InboxEntry e : notices) {
                assertEquals("event", e.kind());
                JsonObject event = JsonParser.parseString(e.event().json()).getAsJsonObject();
                assertEquals("notice", event.get("type").getAsString());
                texts.add(event.get("text").getAsString());
            }
            assertEquals(user, user.equals(n1) ? List.of("maintenance at noon", "hello-everyone")
                    : List.of("hello-everyone"), texts);
        }
        assertEquals(404, http("POST", "/api/messages.notice", TOKEN,
                "{\"username\":\"nobody-here\",\"text\":\"x\",\"transaction\":\"t1\"}").statusCode());
        assertTrue(post("messages.notice", "{\"text\":\"x\",\"transaction\":\"no spaces\"}", 400).get("error")
                .getAsString().contains("'transaction'"));
        assertTrue(post("messages.notice", "{\"text\":\"\",\"transaction\":\"t2\"}", 400).get("error")
                .getAsString().contains("1 to"));
        ran.add("messages.notice");

        // groups.*: the operator lists, shows, removes members from and dissolves groups, above every rule.
        String owner = registered("grp");
        String m1 = registered("grp");
        String m2 = registered("grp");
        ParleyClient co = client();
        await(co.login(owner, PASSWORD, "pc"));
        ParleyClient c1 = client();
        await(c1.login(m1, PASSWORD, "pc"));
        ParleyClient c2 = client();
        await(c2.login(m2, PASSWORD, "pc"));
        befriend(co, owner, c1, m1);
        befriend(co, owner, c2, m2);
        long g1 = await(co.createGroup("ops", List.of(m1, m2)));
        long g2 = await(co.createGroup("qq", List.of(m1, m2)));
        JsonObject groupPage = result("groups.list", "{\"after\":" + (g1 - 1) + ",\"limit\":1}").getAsJsonObject();
        JsonObject firstGroup = groupPage.getAsJsonArray("groups").get(0).getAsJsonObject();
        assertEquals(g1, firstGroup.get("groupId").getAsLong());
        assertEquals(3, firstGroup.get("members").getAsInt());
        assertEquals(g1, groupPage.get("next").getAsLong());
        assertEquals(g2, consoleResult("parley:admin groups.list after=" + g1).getAsJsonObject().getAsJsonArray("groups")
                .get(0).getAsJsonObject().get("groupId").getAsLong());
        ran.add("groups.list");
        JsonObject shown = result("groups.info", "{\"groupId\":" + g1 + "}").getAsJsonObject();
        assertEquals(owner, shown.get("owner").getAsString());
        assertEquals(3, shown.getAsJsonArray("members").size());
        assertEquals("ops", consoleResult("parley:admin groups.info groupId=" + g1).getAsJsonObject().get("name")
                .getAsString());
        assertEquals(404, http("POST", "/api/groups.info", TOKEN, "{\"groupId\":999999999}").statusCode());
        ran.add("groups.info");
        assertEquals("[\"" + owner + "\"]", result("groups.remove-member", "{\"groupId\":" + g1 + ",\"usernames\":[\""
                + owner + "\"]}").getAsJsonObject().getAsJsonArray("removed").toString());
        assertEquals("the longest-standing member who stays owns it", m1, await(c1.groupInfo(g1)).owner());
        assertEquals(Status.FORBIDDEN, failure(co.groupInfo(g1)).status());
        consoleResult("parley:admin groups.remove-member groupId=" + g1 + " usernames=" + m2);
        assertEquals(1, await(c1.groupInfo(g1)).members().size());
        assertEquals(404, http("POST", "/api/groups.remove-member", TOKEN, "{\"groupId\":" + g1 + ",\"usernames\":[\""
                + owner + "\"]}").statusCode());
        assertTrue(post("groups.remove-member", "{\"groupId\":" + g1 + ",\"usernames\":[]}", 400).get("error")
                .getAsString().contains("at least one"));
        ran.add("groups.remove-member");
        assertEquals(1, result("groups.dissolve", "{\"groupId\":" + g1 + "}").getAsJsonObject().get("members").getAsInt());
        assertEquals(Status.NOT_FOUND, failure(c1.groupInfo(g1)).status());
        assertEquals(404, http("POST", "/api/groups.dissolve", TOKEN, "{\"groupId\":" + g1 + "}").statusCode());
        long g3 = await(co.createGroup("short-lived", List.of(m1)));
        consoleResult("parley:admin groups.dissolve groupId=" + g3);
        assertEquals(Status.NOT_FOUND, failure(co.groupInfo(g3)).status());
        ran.add("groups.dissolve");
        // Every member heard it from the server, in their inbox.
        assertTrue(await(c1.pull(0, 100)).messages().stream().anyMatch(e -> "@server".equals(e.from())
                && e.event() != null && e.event().json().contains("dissolved")));

        // bundles.*: a new build from updates/, only what is wired to it refreshed, the window answered.
        JsonArray bundles = result("bundles.list", "{}").getAsJsonArray();
        assertTrue(bundles.toString(), bundles.toString().contains("\"symbolicName\":\"io.parley.friends\"")
                && bundles.toString().contains("parley-friends-"));
        assertTrue(consoleResult("parley:admin bundles.list").toString().contains("io.parley.web"));
        ran.add("bundles.list");
        JsonObject updated = result("bundles.update", "{\"name\":\"io.parley.friends\"}").getAsJsonObject();
        assertEquals(updated.toString(), "active", updated.get("state").getAsString());
        assertEquals(updated.toString(), "[\"io.parley.friends\"]", updated.getAsJsonArray("refreshed").toString());
        assertTrue(updated.toString(), updated.get("windowMs").getAsLong() >= 0
                && updated.getAsJsonArray("waiting").isEmpty());
        ParleyClient afterUpdate = client();
        await(afterUpdate.login(registered("bun"), PASSWORD, "pc"));
        assertTrue("the new build answers", await(afterUpdate.friends()).friends().isEmpty());
        assertEquals("active", consoleResult("parley:admin bundles.update name=io.parley.web").getAsJsonObject()
                .get("state").getAsString());
        assertTrue(post("bundles.update", "{\"name\":\"io.parley.api\"}", 409).get("error").getAsString()
                .contains("Stop the server"));
        assertEquals(404, http("POST", "/api/bundles.update", TOKEN, "{\"name\":\"io.parley.groups\"}").statusCode());
        assertEquals(404, http("POST", "/api/bundles.update", TOKEN, "{\"name\":\"io.parley.nothing\"}").statusCode());
        assertEquals(400, http("POST", "/api/bundles.update", TOKEN, "{\"name\":\"../etc/passwd\"}").statusCode());
        ran.add("bundles.update");

        // config.show: secrets are never shown.
        JsonObject config = result("config.show", "{}").getAsJsonObject();
        assertEquals("***", config.getAsJsonObject("io.parley.admin").get("token").getAsString());
        assertFalse(config.toString().contains(TOKEN));
        assertTrue(consoleResult("parley:admin config.show pid=io.parley.transport").getAsJsonObject()
                .has("io.parley.transport"));
        assertEquals(404, http("POST", "/api/config.show", TOKEN, "{\"pid\":\"io.parley.nothing\"}").statusCode());
        ran.add("config.show");

        // features: the QQ rules from the features/ folder, installed, updated and uninstalled by name.
        JsonArray features = result("features.list", "{}").getAsJsonArray();
        assertEquals("qq-group-rules", features.get(0).getAsJsonObject().get("name").getAsString());
        assertEquals("not installed", features.get(0).getAsJsonObject().get("state").getAsString());
        assertEquals("active", result("features.install", "{\"name\":\"qq-group-rules\"}").getAsJsonObject()
                .get("state").getAsString());
        assertEquals(409, http("POST", "/api/features.install", TOKEN, "{\"name\":\"qq-group-rules\"}").statusCode());
        // The QQ feature brings its own commands while it is installed: the operator acts with an owner's powers.
        awaitTrue("the QQ commands", Duration.ofSeconds(20), () -> {
            try {
                return http("GET", "/api", TOKEN, null).body().contains("qq.settings");
            } catch (Exception e) {
                return false;
            }
        });
        for (JsonElement c : JsonParser.parseString(http("GET", "/api", TOKEN, null).body()).getAsJsonObject()
                .getAsJsonArray("commands")) {
            listed.add(c.getAsJsonObject().get("name").getAsString());
        }
        assertTrue(result("qq.set-role", "{\"groupId\":" + g2 + ",\"username\":\"" + m2 + "\",\"role\":\"admin\"}")
                .getAsJsonObject().get("done").getAsBoolean());
        assertTrue(await(co.groupInfo(g2)).members().contains(new io.parley.api.group.GroupInfo.Member(m2, "admin")));
        consoleResult("parley:admin qq.set-role groupId=" + g2 + " username=" + m2 + " role=member");
        ran.add("qq.set-role");
        result("qq.mute", "{\"groupId\":" + g2 + ",\"username\":\"" + m1 + "\",\"seconds\":600}");
        assertEquals(Status.FORBIDDEN, failure(c1.sendToGroup(g2, "muted?", "q1")).status());
        consoleResult("parley:admin qq.mute groupId=" + g2 + " username=" + m1 + " seconds=0");
        await(c1.sendToGroup(g2, "not muted", "q2"));
        assertTrue(post("qq.mute", "{\"groupId\":" + g2 + ",\"username\":\"" + owner + "\",\"seconds\":60}", 409)
                .get("error").getAsString().contains("owner"));
        ran.add("qq.mute");
        result("qq.mute-all", "{\"groupId\":" + g2 + ",\"on\":true}");
        assertEquals(Status.FORBIDDEN, failure(c2.sendToGroup(g2, "all muted?", "q3")).status());
        consoleResult("parley:admin qq.mute-all groupId=" + g2 + " on=false");
        await(c2.sendToGroup(g2, "free again", "q4"));
        ran.add("qq.mute-all");
        result("qq.settings", "{\"groupId\":" + g2 + ",\"joinMode\":\"approval\"}");
        consoleResult("parley:admin qq.settings groupId=" + g2 + " maxMembers=10");
        Map<String, Object> settings = await(co.groupInfo(g2)).settings();
        assertEquals(settings.toString(), "approval", settings.get("joinMode"));
        assertEquals(settings.toString(), 10.0, ((Number) settings.get("maxMembers")).doubleValue(), 0);
        assertTrue(post("qq.settings", "{\"groupId\":" + g2 + ",\"maxMembers\":1}", 400).get("error").getAsString()
                .contains("maxMembers"));
        ran.add("qq.settings");
        result("qq.transfer", "{\"groupId\":" + g2 + ",\"username\":\"" + m2 + "\"}");
        assertEquals(m2, await(co.groupInfo(g2)).owner());
        consoleResult("parley:admin qq.transfer groupId=" + g2 + " username=" + owner);
        assertEquals(owner, await(co.groupInfo(g2)).owner());
        assertEquals(404, http("POST", "/api/qq.transfer", TOKEN, "{\"groupId\":" + g2 + ",\"username\":\"nobody-here\"}")
                .statusCode());
        ran.add("qq.transfer");
        assertEquals("active", consoleResult("parley:admin features.update name=qq-group-rules").getAsJsonObject()
                .get("state").getAsString());
        assertEquals("active", consoleResult("parley:admin features.list").getAsJsonArray().get(0).getAsJsonObject()
                .get("state").getAsString());
        result("features.uninstall", "{\"name\":\"qq-group-rules\"}");
        assertEquals(404, http("POST", "/api/features.uninstall", TOKEN, "{\"name\":\"qq-group-rules\"}").statusCode());
        assertEquals(404, http("POST", "/api/features.install", TOKEN, "{\"name\":\"nothing\"}").statusCode());
        consoleResult("parley:admin features.install name=qq-group-rules");
        consoleResult("parley:admin features.uninstall name=qq-group-rules");
        ran.add("features.list");
        ran.add("features.install");
        ran.add("features.update");
        ran.add("features.uninstall");

        assertEquals("every listed command was run here, both ways", listed, ran);
        String console = console("parley:commands");
        for (String name : listed) {
            // The QQ commands went with the feature, uninstalled just now.
            assertEquals(name, !name.startsWith("qq."), console.contains(name));
        }

        // The audit log: one line per run, via and outcome, no password.
        List<String> lines = auditLines();
        String all = String.join("\n", lines);
        assertFalse("no password in the audit log", all.contains("password-new") || all.contains("password-1"));
        List<String> via = new ArrayList<>();
        for (String line : lines) {
            JsonObject o = JsonParser.parseString(line).getAsJsonObject();
            if (o.get("command").getAsString().equals("users.reset-password") && o.get("status").getAsInt() == 200) {
                via.add(o.get("via").getAsString());
                assertEquals("***", o.getAsJsonObject("arguments").get("password").getAsString());
            }
        }
        assertEquals(List.of("http", "console"), via);
    }

    @Test
    public void healthAnswersWithoutATokenAndMetricsMoveWithTraffic() throws Exception {
        awaitAdmin();
        HttpResponse<String> live = http("GET", "/health/live", null, null);
        assertEquals(200, live.statusCode());
        awaitTrue("ready", Duration.ofSeconds(20), () -> {
            try {
                return http("GET", "/health/ready", null, null).statusCode() == 200;
            } catch (Exception e) {
                return false;
            }
        });
        JsonObject ready = JsonParser.parseString(http("GET", "/health/ready", null, null).body()).getAsJsonObject();
        assertEquals("ready", ready.get("status").getAsString());
        assertTrue(ready.toString(), ready.getAsJsonObject("checks").get("accounts").getAsBoolean());
        assertEquals("metrics need the token", 401, http("GET", "/metrics", null, null).statusCode());

        awaitTrue("the metrics bundle", Duration.ofSeconds(20), () -> {
            try {
                return http("GET", "/metrics", TOKEN, null).statusCode() == 200;
            } catch (Exception e) {
                return false;
            }
        });
        String name = registered("met");
        double before = sample(scrape(), "parley_requests_seconds_count", "status=\"OK\",type=\"LOGIN\"");
        ParleyClient c = client();
        await(c.loginPlain(name, PASSWORD, "pc"));
        // Counted right after the answer leaves: the scrape may come a moment before it.
        awaitTrue("one more LOGIN answered OK", Duration.ofSeconds(10), () -> {
            try {
                return sample(scrape(), "parley_requests_seconds_count", "status=\"OK\",type=\"LOGIN\"") == before + 1;
            } catch (Exception e) {
                throw new AssertionError(e);
            }
        });
        // Messages: stored, delivered inline and by pull, the pull's lag, and the log's commits, batches and queue.
        assertEquals("the default store", "log", store());
        String before2 = scrape();
        String friend = registered("met");
        ParleyClient f = client();
        await(f.login(friend, PASSWORD, "pc"));
        befriend(c, name, f, friend);
        await(c.sendMessage(friend, "counted", "m1"));
        assertEquals(1, await(f.pull(0, 10)).messages().size());
        awaitTrue("the message counted as stored and delivered", Duration.ofSeconds(10), () -> {
            try {
                String now = scrape();
                return sample(now, "parley_messages_stored_total", "kind=\"direct\"")
                        == sample(before2, "parley_messages_stored_total", "kind=\"direct\"") + 1
                        && sample(now, "parley_messages_delivered_total", "path=\"pull\"")
                        >= sample(before2, "parley_messages_delivered_total", "path=\"pull\"") + 1
                        && sample(now, "parley_logins_total", "method=\"scram\",result=\"OK\"")
                        >= sample(before2, "parley_logins_total", "method=\"scram\",result=\"OK\"") + 1;
            } catch (Exception e) {
                throw new AssertionError(e);
            }
        });
        String after = scrape();
        assertTrue(after, sample(after, "parley_logins_total", "method=\"password\",result=\"OK\"") >= 1);
        assertTrue(after, sample(after, "parley_messages_delivered_total", "path=\"notice\"") >= 1);
        for (String metric : new String[] {"parley_pull_lag_seconds_count", "parley_store_append_seconds_count",
            "parley_log_commit_seconds_count", "parley_log_batch_count", "parley_messages_inboxes_count"}) {
            assertTrue(metric + " in\n" + after, after.lines().anyMatch(l -> l.startsWith(metric) && !l.endsWith(" 0.0")));
        }
        assertTrue(after, after.lines().anyMatch(l -> l.startsWith("parley_log_queue ")));
        assertTrue(after, sample(after, "parley_connections", "carrier=\"tcp\"") >= 1);
        assertTrue(after, after.contains("jvm_memory_used_bytes") && after.contains("jvm_gc_") && after.contains("jvm_threads_live_threads"));
        assertTrue(after, after.contains("parley_requests_seconds_bucket"));
        promtoolChecks(after);
    }

    private static String scrape() throws Exception {
        HttpResponse<String> r = http("GET", "/metrics", TOKEN, null);
        assertEquals(200, r.statusCode());
        assertTrue(r.headers().firstValue("Content-Type").orElse("").startsWith("text/plain"));
        return r.body();
    }

    /** The value of the sample whose name is {@code metric} and whose labels include {@code labels}; 0 when none. */
    private static double sample(String text, String metric, String labels) {
        for (String line : text.split("\n")) {
            if (line.startsWith(metric + "{") && line.contains(labels)) {
                return Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
            }
        }
        return 0;
    }

    /** Debian's promtool (package prometheus) checks the text as Prometheus would; CI installs it. */
    private static void promtoolChecks(String text) throws Exception {
        File promtool = new File("/usr/bin/promtool");
        if (!promtool.canExecute()) {
            assertFalse("promtool is missing (apt-get install prometheus); CI must run this check",
                    "true".equals(System.getenv("CI")));
            return;
        }
        Process p = new ProcessBuilder(promtool.getPath(), "check", "metrics").redirectErrorStream(true).start();
        p.getOutputStream().write(text.getBytes(StandardCharsets.UTF_8));
        p.getOutputStream().close();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue("promtool did not finish", p.waitFor(30, java.util.concurrent.TimeUnit.SECONDS));
        assertEquals("promtool check metrics:\n" + out, 0, p.exitValue());
    }

    @Test
    public void theDocsListEveryCommandAsTheCommandsDescribeThemselves() throws Exception {
        awaitAdmin();
        // The QQ feature's commands are documented too: listed while it is installed.
        result("features.install", "{\"name\":\"qq-group-rules\"}");
        String listing;
        try {
            awaitTrue("the QQ commands", Duration.ofSeconds(20), () -> {
                try {
                    return http("GET", "/api", TOKEN, null).body().contains("qq.settings");
                } catch (Exception e) {
                    return false;
                }
            });
            listing = http("GET", "/api", TOKEN, null).body();
        } finally {
            result("features.uninstall", "{\"name\":\"qq-group-rules\"}");
        }
        StringBuilder md = new StringBuilder();
        for (JsonElement e : JsonParser.parseString(listing).getAsJsonObject().getAsJsonArray("commands")) {
            JsonObject c = e.getAsJsonObject();
            md.append("### `").append(c.get("name").getAsString()).append("`\n\n")
                    .append(c.get("summary").getAsString()).append("\n\n");
            JsonArray parameters = c.getAsJsonArray("parameters");
            if (parameters.size() == 0) {
                md.append("No arguments.\n\n");
                continue;
            }
            md.append("| argument | type | required | meaning |\n|---|---|---|---|\n");
            for (JsonElement p : parameters) {
                JsonObject o = p.getAsJsonObject();
                md.append("| `").append(o.get("name").getAsString()).append("` | ")
                        .append(Map.of("STRING", "string", "INTEGER", "integer", "BOOLEAN", "boolean", "STRINGS",
                                "list of strings").get(o.get("type").getAsString()))
                        .append(" | ").append(o.get("required").getAsBoolean() ? "yes" : "no").append(" | ")
                        .append(o.get("summary").getAsString()).append(" |\n");
            }
            md.append('\n');
        }
        Path generated = Path.of(System.getProperty("parley.test.generated"));
        Files.createDirectories(generated.getParent());
        Files.writeString(generated, md.toString());
        String docs = Files.readString(Path.of(System.getProperty("parley.test.docs")));
        assertTrue("docs/admin-api.md's command reference is out of date: copy " + generated + " into it",
                docs.contains(md.toString()));
    }
}
