package io.parley.itests;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertNotNull;
import static org.junit.Assert.assertTrue;
import static org.junit.Assert.fail;

import io.parley.api.ParleyException;
import io.parley.api.account.LoginResponse;
import io.parley.api.account.Profile;
import io.parley.client.Notice;
import io.parley.client.ParleyClient;
import io.parley.protocol.Status;
import io.parley.testkit.exam.ParleyTestSupport;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import org.junit.Before;
import org.junit.Test;
import org.junit.runner.RunWith;
import org.ops4j.pax.exam.junit.PaxExam;
import org.ops4j.pax.exam.spi.reactors.ExamReactorStrategy;
import org.ops4j.pax.exam.spi.reactors.PerClass;

/** A client SDK user's account life, end to end over real sockets in a real Felix. */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerClass.class)
public class AccountsIT extends ParleyTestSupport {

    @Before
    public void serverUp() throws Exception {
        awaitServer();
    }

    static Status statusOf(CompletableFuture<?> future) throws Exception {
        try {
            await(future);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof ParleyException p) {
                return p.status();
            }
            throw e;
        }
        fail("expected an error response");
        return null;
    }

    @Test
    public void registerLoginProfileResumeLogout() throws Exception {
        String name = unique("alice");
        ParleyClient a = client();
        long userId = await(a.register(name, "password-1", "Alice"));
        assertTrue(userId > 0);

        LoginResponse login = await(a.login(name, "password-1", "pc"));
        assertEquals(userId, login.userId());
        assertNotNull(login.token());
        assertEquals(0, login.seq());
        assertEquals(0, login.acked());

        await(a.updateProfile("Alice 😀", "hello; DROP TABLE accounts", null));
        Profile profile = await(a.profile(name.toUpperCase()));
        assertEquals(name, profile.username());
        assertEquals("Alice 😀", profile.nickname());
        assertEquals("hello; DROP TABLE accounts", profile.signature());
        assertEquals("", profile.avatar());
        assertTrue("online while logged in", profile.online());

        ParleyClient phone = client();
        LoginResponse resumed = await(phone.resume(login.token(), "pc"));
        assertEquals(userId, resumed.userId());
        assertEquals(login.token(), resumed.token());

        await(phone.logout());
        awaitTrue("the server to close after LOGOUT", Duration.ofSeconds(5), () -> phone.closeFuture().isDone());

        ParleyClient later = client();
        assertEquals(Status.UNAUTHENTICATED, statusOf(later.resume(login.token(), "pc")));
    }

    @Test
    public void oneNameHasOneAccountHoweverItIsWrittenOrMimicked() throws Exception {
        String suffix = unique("");
        ParleyClient c = client();
        long mary = await(c.register("mary" + suffix, "password-1", null));
        // Full-width letters are the same name (NFKC); a name that reads alike is refused (security review L7).
        String fullWidth = "\uFF4D\uFF41\uFF52\uFF59" + suffix;
        assertEquals(Status.CONFLICT, statusOf(c.register(fullWidth, "password-1", null)));
        assertEquals(Status.CONFLICT, statusOf(c.register("rnary" + suffix, "password-1", null)));
        assertEquals(mary, await(c.login(fullWidth.toUpperCase(java.util.Locale.ROOT), "password-1", "pc")).userId());
    }

    @Test
    public void onlineShowsToFriendsOnly() throws Exception {
        // A stranger's PROFILE_GET used to show whether anyone was online, though PRESENCE goes to friends only (L3).
        String bob = unique("bob");
        String carol = unique("carol");
        String eve = unique("eve");
        ParleyClient b = client();
        await(b.register(bob, "password-1", null));
        await(b.login(bob, "password-1", "pc"));
        ParleyClient c = client();
        await(c.register(carol, "password-1", "Carol"));
        ParleyClient e = client();
        await(e.register(eve, "password-1", null));
        await(e.login(eve, "password-1", "pc"));
        await(c.login(carol, "password-1", "ios"));
        await(b.addFriend(carol, null));
        await(c.acceptFriend(bob));

        Profile p = await(b.profile(carol));
        assertTrue("a friend sees it", p.online());
        assertEquals("Carol", p.nickname());
        assertFalse("a stranger does not", await(e.profile(carol)).online());
        assertEquals("Carol", await(e.profile(carol)).nickname());
        assertEquals(Status.NOT_FOUND, statusOf(b.profile(unique("ghost"))));
        c.close();
        awaitTrue("carol offline", Duration.ofSeconds(5), () -> {
            try {
                return !await(b.profile(carol)).online();
            } catch (Exception ex) {
                throw new AssertionError(ex);
            }
        });
    }

    @Test
    public void aNicknameIsShownAsItIs() throws Exception {
        ParleyClient c = client();
        for (String nick : new String[] {"ali\u202Eecila", "a\u200Bdmin", "tab\there", "new\nline"}) {
            assertEquals(nick, Status.BAD_REQUEST, statusOf(c.register(unique("nick"), "password-1", nick)));
        }
        String name = unique("nick");
        await(c.register(name, "password-1", "Zoë 😀"));
        await(c.login(name, "password-1", "pc"));
        assertEquals(Status.BAD_REQUEST, statusOf(c.updateProfile("\u2066x\u2069", null, null)));
        assertEquals("Zoë 😀", await(c.profile(name)).nickname());
    }

    @Test
    public void secondLoginOnTheSameDeviceKicksTheFirst() throws Exception {
        String name = unique("dave");
        ParleyClient first = client();
        await(first.register(name, "password-1", null));
        CompletableFuture<Notice> kicked = kickedNotice(first);
        await(first.login(name, "password-1", "pc"));

        ParleyClient otherDevice = client();
        await(otherDevice.login(name, "password-1", "ios"));
        assertFalse("another device does not kick", kicked.isDone());

        ParleyClient second = client();
        await(second.login(name, "password-1", "pc"));
        assertTrue(await(kicked).json().get("reason").getAsString().length() > 0);
        awaitTrue("the kicked connection to close", Duration.ofSeconds(5), () -> first.closeFuture().isDone());
        assertTrue(otherDevice.isConnected());
        await(second.ping());
    }

    @Test
    public void passwordChangeRevokesOtherTokensAndEndsOtherSessions() throws Exception {
        String name = unique("erin");
        ParleyClient pc = client();
        await(pc.register(name, "password-1", null));
        LoginResponse pcLogin = await(pc.login(name, "password-1", "pc"));
        ParleyClient phone = client();
        CompletableFuture<Notice> kicked = kickedNotice(phone);
        LoginResponse phoneLogin = await(phone.login(name, "password-1", "ios"));

        assertEquals(Status.UNAUTHENTICATED, statusOf(pc.changePassword("wrong-password", "password-2")));
        assertFalse("a wrong old password ends nothing", kicked.isDone());
        await(pc.changePassword("password-1", "password-2"));
        assertTrue(await(kicked).json().get("reason").getAsString().contains("password"));
        awaitTrue("the other device's connection to close", Duration.ofSeconds(5), () -> phone.closeFuture().isDone());
        await(pc.ping());

        assertEquals(Status.UNAUTHENTICATED, statusOf(client().resume(phoneLogin.token(), "ios")));
        assertEquals(Status.UNAUTHENTICATED, statusOf(client().login(name, "password-1", "ios")));
        assertEquals(pcLogin.userId(), await(client().resume(pcLogin.token(), "pc")).userId());
        assertEquals(pcLogin.userId(), await(client().login(name, "password-2", "ios")).userId());
    }

    @Test
    public void dataSurvivesRestartingTheStorageBundle() throws Exception {
        String name = unique("frank");
        await(client().register(name, "password-1", "Frank"));
        installed("io.parley.storage.jdbc").stop();
        installed("io.parley.storage.jdbc").start();
        ParleyClient c = client();
        loginWhenReady(c, name, "password-1", "pc");
        assertEquals("Frank", await(c.profile(name)).nickname());
    }
}
