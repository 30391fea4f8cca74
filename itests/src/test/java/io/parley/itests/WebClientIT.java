package io.parley.itests;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;

import io.parley.api.message.InboxEntry;
import io.parley.client.ParleyClient;
import io.parley.testkit.exam.ParleyTestSupport;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;
import org.junit.After;
import org.junit.AfterClass;
import org.junit.BeforeClass;
import org.junit.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.NoAlertPresentException;

/**
 * The web client in a real (headless) chromium against the distribution as an operator starts it: people
 * register, befriend and chat in the browser, with an SDK user over TCP, in a group; a closed page catches up on
 * what it missed, each message once and in order; markup in a message stays text; and a server killed with
 * SIGKILL and started again loses nothing, the page reconnecting by itself.
 */
public class WebClientIT {

    private static final String PASSWORD = "correct horse 1";
    private static Distribution dist;
    private static final String ADMIN_TOKEN = "web-client-test-admin-token-0123456789abcdef";
    private static int adminPort;

    private final List<Browser> browsers = new ArrayList<>();
    private final List<ParleyClient> clients = new ArrayList<>();

    @BeforeClass
    public static void startServer() throws Exception {
        Browser.assumeInstalled();
        dist = new Distribution();
        adminPort = Distribution.freePort();
        dist.setConfig("io.parley.admin", "token", ADMIN_TOKEN);
        dist.setConfig("io.parley.admin", "port", Integer.toString(adminPort));
        dist.start();
    }

    @AfterClass
    public static void stopServer() throws Exception {
        if (dist != null) {
            dist.close();
        }
    }

    @After
    public void closeAll() {
        browsers.forEach(Browser::close);
        clients.forEach(ParleyClient::close);
    }

    private Browser browser() throws Exception {
        // localhost, not 127.0.0.1: the browser gives crypto.subtle (for SCRAM) to https pages and to localhost.
        Browser b = new Browser("http://localhost:" + dist.httpPort + "/");
        browsers.add(b);
        return b;
    }

    private ParleyClient sdkUser(String name) throws Exception {
        ParleyClient c = ParleyClient.connect("127.0.0.1", dist.port).get(10, TimeUnit.SECONDS);
        clients.add(c);
        c.register(name, PASSWORD, null).get(15, TimeUnit.SECONDS);
        c.login(name, PASSWORD, "pc").get(15, TimeUnit.SECONDS);
        return c;
    }

    private static String name(String prefix) {
        return prefix + System.nanoTime() % 100_000_000L;
    }

    /** Two people in browsers of their own, registered and friends. */
    private Browser[] friends(String aName, String bName) throws Exception {
        Browser a = browser();
        Browser b = browser();
        a.register(aName, PASSWORD);
        b.register(bName, PASSWORD);
        befriend(a, aName, b, bName);
        return new Browser[] {a, b};
    }

    private static void befriend(Browser a, String aName, Browser b, String bName) {
        a.addFriend(bName);
        b.accept(aName);
        a.await(bName + " to be a friend", d -> !d.findElements(By.cssSelector("#friends li[data-user='" + bName + "']")).isEmpty());
    }

    private static List<String> texts(List<InboxEntry> entries) {
        return entries.stream().filter(e -> "msg".equals(e.kind())).map(InboxEntry::text).toList();
    }

    @Test
    public void twoBrowserUsersRegisterBefriendAndChat() throws Exception {
        // Plain names: this server is fresh for the class, and this conversation is the README's screenshot.
        String alice = "alice";
        String bob = "bob";
        Browser[] pair = friends(alice, bob);
        Browser a = pair[0];
        Browser b = pair[1];
        a.await(bob + " shown online", d -> a.friendOnline(bob));

        a.openChat(bob);
        a.send("Hi Bob! This is Alice, in a browser.");
        b.await("one unread message from " + alice, d -> b.unread(alice) == 1);
        b.openChat(alice);
        b.awaitMessages("Alice's message", m -> m.equals(List.of("Hi Bob! This is Alice, in a browser.")));
        assertEquals("opening the conversation reads it", 0, b.unread(alice));
        b.send("Hello Alice, over WebSocket.");
        a.send("Lunch at noon?");
        List<String> expected = List.of("Hi Bob! This is Alice, in a browser.", "Hello Alice, over WebSocket.",
                "Lunch at noon?");
        a.awaitMessages("the conversation at Alice", m -> m.equals(expected));
        b.awaitMessages("the conversation at Bob", m -> m.equals(expected));
        a.awaitAllAnswered();
        a.screenshot(Path.of(System.getProperty("parley.screenshots", "target/screenshots"), "web-client.png"));
    }

    @Test
    public void aClosedPageSeesTwentyMessagesOnceAndInOrder() throws Exception {
        String carol = name("carol");
        String dave = name("dave");
        Browser[] pair = friends(carol, dave);
        Browser c = pair[0];
        Browser d = pair[1];

        c.leave();
        d.openChat(carol);
        List<String> sent = IntStream.rangeClosed(1, 20).mapToObj(i -> "message " + i).toList();
        for (String text : sent) {
            d.send(text);
        }
        d.awaitMessages("all 20 sent", m -> m.equals(sent));
        d.awaitAllAnswered();

        c.reopen();
        c.awaitOnline();
        c.await("20 unread from " + dave, w -> c.unread(dave) == 20);
        c.openChat(dave);
        assertEquals(sent, c.awaitMessages("the 20 messages", m -> m.size() >= 20));
        // Nothing shows up twice later (a late pull, a notice, the history): still the same 20.
        Thread.sleep(2000);
        assertEquals(sent, c.messages());
        // A reload resumes the same session and shows the same, once.
        c.reopen();
        c.awaitOnline();
        c.openChat(dave);
        assertEquals(sent, c.awaitMessages("the 20 messages after a reload", m -> m.size() >= 20));
    }

    @Test
    public void aBrowserUserAndAnSdkUserOverTcpChatBothWays() throws Exception {
        String erin = name("erin");
        String frank = name("frank");
        Browser e = browser();
        e.register(erin, PASSWORD);
        ParleyClient f = sdkUser(frank);
        f.addFriend(erin, "from the terminal").get(10, TimeUnit.SECONDS);
        e.accept(frank);
        f.sendMessage(erin, "Hello from the SDK over TCP", "f1").get(10, TimeUnit.SECONDS);
        e.openChat(frank);
        e.awaitMessages("the SDK's message", m -> m.equals(List.of("Hello from the SDK over TCP")));
        e.send("Hello back from the browser");
        dist.awaitTrue("the browser's message at the SDK user", Duration.ofSeconds(20), () -> {
            try {
                return texts(f.pull(0, null).get(10, TimeUnit.SECONDS).messages()).contains("Hello back from the browser");
            } catch (Exception x) {
                return false;
            }
        });
    }

    @Test
    public void aGroupChatAcrossBrowsersAndTheSdk() throws Exception {
        String owner = name("gina");
        String member = name("hank");
        String sdk = name("ivan");
        Browser[] pair = friends(owner, member);
        Browser g = pair[0];
        Browser h = pair[1];
        ParleyClient i = sdkUser(sdk);
        i.addFriend(owner, null).get(10, TimeUnit.SECONDS);
        g.accept(sdk);

        String group = "Weekend " + System.nanoTime() % 1000;
        g.createGroup(group, member + ", " + sdk);
        g.await("three members listed", w -> w.findElements(By.cssSelector("#members li")).size() == 3);
        g.send("Who is in for Saturday?");
        h.openGroup(group);
        h.awaitMessages("the owner's message", m -> m.contains("Who is in for Saturday?"));
        h.send("Me!");
        long groupId = i.groups().get(10, TimeUnit.SECONDS).groups().get(0).groupId();
        i.sendToGroup(groupId, "Me too, from the SDK", "i1").get(10, TimeUnit.SECONDS);
        List<String> expected = List.of("Who is in for Saturday?", "Me!", "Me too, from the SDK");
        g.awaitMessages("the whole group conversation at the owner", m -> m.equals(expected));
        h.awaitMessages("the whole group conversation at the member", m -> m.equals(expected));
        List<String> history = new ArrayList<>(texts(i.groupHistory(groupId, null, null).get(10, TimeUnit.SECONDS)));
        java.util.Collections.reverse(history);
        assertEquals(expected, history);
    }

    @Test
    public void aMessageRecalledInTheBrowserLeavesBothPages() throws Exception {
        java.nio.file.Path deployed = dist.home.resolve("deploy/message-recall.jar");
        java.nio.file.Files.copy(dist.home.resolve("features/message-recall.jar"), deployed);
        try {
            ParleyClient probe = sdkUser(name("probe"));
            dist.awaitTrue("message recall deployed", java.time.Duration.ofSeconds(30), () -> {
                try {
                    return ParleyTestSupport.answer(probe.recall(1)) != io.parley.protocol.Status.UNSUPPORTED;
                } catch (Exception e) {
                    return false;
                }
            });
            String alice = name("rita");
            String bob = name("sam");
            Browser[] pair = friends(alice, bob);
            Browser a = pair[0];
            Browser b = pair[1];
            a.openChat(bob);
            a.send("oops, not for you");
            a.send("this one stays");
            a.awaitAllAnswered();
            b.openChat(alice);
            b.awaitMessages("both messages at bob", m -> m.equals(List.of("oops, not for you", "this one stays")));

            a.recall("oops, not for you");
            b.awaitMessages("the recalled message gone from bob's page", m -> m.equals(List.of("this one stays")));
            b.await("bob told who recalled it", w -> b.events().contains(alice + " recalled a message"));
            a.awaitMessages("and from alice's", m -> m.equals(List.of("this one stays")));
            assertTrue(a.events().contains("You recalled a message"));
        } finally {
            java.nio.file.Files.delete(deployed);
        }
    }

    @Test
    public void theQqGroupActionsShowOnlyWhileTheFeatureIsDeployed() throws Exception {
        String owner = name("olga");
        String member = name("paul");
        Browser[] pair = friends(owner, member);
        Browser o = pair[0];
        Browser m = pair[1];
        String group = "QQ " + System.nanoTime() % 1000;
        o.createGroup(group, member);
        o.await("the member listed", w -> !w.findElements(By.cssSelector("#members li[data-user='" + member + "']")).isEmpty());
        assertEquals("a discussion group's owner may remove, nothing more", List.of("Remove"), o.memberActions(member));

        java.nio.file.Path deployed = dist.home.resolve("deploy/qq-group-rules.jar");
        java.nio.file.Files.copy(dist.home.resolve("features/qq-group-rules.jar"), deployed);
        try {
            // The page asks again whenever a group is opened: the feature's actions appear once it runs.
            o.await("the QQ actions", w -> {
                o.openGroup(group);
                return o.memberActions(member).contains("Make admin");
            });
            assertTrue(o.memberActions(member).containsAll(List.of("Make admin", "Mute 10 min", "Unmute", "Remove")));
            o.clickMemberAction(member, "Make admin");
            o.await(member + " shown as admin", w -> "admin".equals(o.memberRole(member)));
            m.openGroup(group);
            m.await("the role change in the member's conversation", w -> m.events().stream()
                    .anyMatch(e -> e.contains(owner) && e.contains(member) && e.contains("admin")));
        } finally {
            java.nio.file.Files.delete(deployed);
        }
        o.await("the QQ actions gone with the feature", w -> {
            o.openGroup(group);
            return o.memberActions(member).equals(List.of("Remove"));
        });
    }

    @Test
    public void anOperatorsNoticeShowsOnTopUntilDismissedAndComesOnceToAPageOpenedLater() throws Exception {
        String name = name("ntc");
        Browser a = browser();
        a.register(name, PASSWORD);
        String tx = "web-" + name;
        String body = "{\"text\":\"The server restarts at 23:00 <b>UTC</b>.\",\"transaction\":\"" + tx + "\"}";
        for (int i = 0; i < 2; i++) { // the same transaction twice: shown once
            java.net.http.HttpResponse<String> r = java.net.http.HttpClient.newHttpClient().send(
                    java.net.http.HttpRequest.newBuilder(java.net.URI.create("http://127.0.0.1:" + adminPort
                            + "/api/messages.notice")).header("Authorization", "Bearer " + ADMIN_TOKEN)
                            .POST(java.net.http.HttpRequest.BodyPublishers.ofString(body)).build(),
                    java.net.http.HttpResponse.BodyHandlers.ofString());
            assertEquals(r.body(), 200, r.statusCode());
        }
        a.await("the notice on top", d -> a.serverNotices().size() == 1);
        assertEquals(List.of("The server restarts at 23:00 <b>UTC</b>."), a.serverNotices());
        a.dismissServerNotices();
        assertTrue(a.serverNotices().isEmpty());
        // A user who was offline sees it at the next login, from the inbox, once.
        String later = name("ntl");
        ParleyClient sdk = sdkUser(later);
        sdk.close();
        java.net.http.HttpClient.newHttpClient().send(java.net.http.HttpRequest.newBuilder(java.net.URI.create(
                "http://127.0.0.1:" + adminPort + "/api/messages.notice")).header("Authorization", "Bearer "
                + ADMIN_TOKEN).POST(java.net.http.HttpRequest.BodyPublishers.ofString("{\"username\":\"" + later
                + "\",\"text\":\"Welcome aboard\",\"transaction\":\"w1\"}")).build(),
                java.net.http.HttpResponse.BodyHandlers.ofString());
        Browser b = browser();
        b.logIn(later, PASSWORD);
        b.await("the notice kept for the offline user", d -> b.serverNotices().contains("Welcome aboard"));
        assertEquals(1, b.serverNotices().stream().filter("Welcome aboard"::equals).count());
    }

    @Test
    public void markupInAMessageShowsAsTextAndRunsNothing() throws Exception {
        String jane = name("jane");
        String kim = name("kim");
        Browser[] pair = friends(jane, kim);
        Browser j = pair[0];
        Browser k = pair[1];
        k.openChat(jane);
        String attack = "<img src=x onerror=alert(1)>";
        String attack2 = "<img src=y onerror=\"window.parleyXss=true\"><script>window.parleyXss=true</script>";
        j.openChat(kim);
        j.send(attack);
        j.send(attack2);
        k.awaitMessages("the two messages as text", m -> m.equals(List.of(attack, attack2)));
        for (Browser b : List.of(j, k)) {
            assertEquals("no image was made", 0L, b.script("return document.querySelectorAll('#messages img').length;"));
            assertEquals("no script ran", Boolean.FALSE, b.script("return window.parleyXss === true;"));
            try {
                b.driver.switchTo().alert();
                throw new AssertionError("an alert opened");
            } catch (NoAlertPresentException expected) {
                // nothing ran
            }
        }
    }

    @Test
    public void theServerKilledAndStartedAgainLosesNothingAndThePageReconnects() throws Exception {
        String lena = name("lena");
        String max = name("max");
        Browser l = browser();
        l.register(lena, PASSWORD);
        ParleyClient m = sdkUser(max);
        m.addFriend(lena, null).get(10, TimeUnit.SECONDS);
        l.accept(max);
        m.sendMessage(lena, "before the crash", "m1").get(10, TimeUnit.SECONDS);
        l.openChat(max);
        l.awaitMessages("the first message", t -> t.equals(List.of("before the crash")));

        dist.kill();
        l.await("the page to see the server gone", w -> !l.online());
        l.send("typed while the server was down");
        dist.start();
        l.awaitOnline();
        l.awaitAllAnswered();

        ParleyClient again = ParleyClient.connect("127.0.0.1", dist.port).get(10, TimeUnit.SECONDS);
        clients.add(again);
        again.login(max, PASSWORD, "pc").get(15, TimeUnit.SECONDS);
        assertEquals(List.of("before the crash", "typed while the server was down"),
                texts(again.pull(0, null).get(10, TimeUnit.SECONDS).messages()));
        again.sendMessage(lena, "after the restart", "m2").get(10, TimeUnit.SECONDS);
        List<String> expected = List.of("before the crash", "typed while the server was down", "after the restart");
        l.awaitMessages("the whole conversation, once", t -> t.equals(expected));
        Thread.sleep(1000);
        assertEquals(expected, l.messages());
        assertTrue("the page is online", l.online());
    }
}
