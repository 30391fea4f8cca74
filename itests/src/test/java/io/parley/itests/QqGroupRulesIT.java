package io.parley.itests;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;
import static org.ops4j.pax.exam.cm.ConfigurationAdminOptions.newConfiguration;

import com.google.gson.JsonObject;
import io.parley.api.ParleyException;
import io.parley.api.group.GroupInfo;
import io.parley.api.message.InboxEntry;
import io.parley.client.ParleyClient;
import io.parley.protocol.Status;
import io.parley.protocol.Types;
import io.parley.testkit.exam.ParleyTestSupport;
import java.io.File;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.junit.After;
import org.junit.Before;
import org.junit.Test;
import org.junit.runner.RunWith;
import org.ops4j.pax.exam.Option;
import org.ops4j.pax.exam.junit.PaxExam;
import org.ops4j.pax.exam.spi.reactors.ExamReactorStrategy;
import org.ops4j.pax.exam.spi.reactors.PerMethod;
import org.osgi.framework.Bundle;

/**
 * The QQ feature installed into a running server, used, uninstalled and installed again. The test sends the
 * feature's types as plain JSON, so the probe never links to the feature's classes, which come and go.
 */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerMethod.class)
public class QqGroupRulesIT extends ParleyTestSupport {

    private Bundle feature;
    private int devices;

    /** Groups of strangers: FriendsIT shows that a group names only friends with the switch on. */
    @Override
    protected Option[] extraOptions() {
        return new Option[] {newConfiguration("io.parley.messaging").put("requireFriendship", "false").asOption()};
    }

    @Before
    public void serverUp() throws Exception {
        awaitServer();
    }

    @After
    public void uninstallFeature() throws Exception {
        if (feature != null && feature.getState() != Bundle.UNINSTALLED) {
            feature.uninstall();
        }
    }

    private ParleyClient as(String user) throws Exception {
        ParleyClient c = client();
        await(c.login(user, PASSWORD, "dev" + ++devices));
        return c;
    }

    private static CompletableFuture<JsonObject> qq(ParleyClient c, int type, Object... keyValues) {
        Map<String, Object> body = new HashMap<>();
        for (int i = 0; i < keyValues.length; i += 2) {
            body.put((String) keyValues[i], keyValues[i + 1]);
        }
        return c.request(type, body);
    }

    private static Status status(CompletableFuture<?> call) throws Exception {
        return answer(call);
    }

    /** Installs the feature from its built jar and waits until its types answer. */
    private void install(ParleyClient probe) throws Exception {
        feature = context.installBundle(new File(System.getProperty("parley.feature.qq")).toURI().toString());
        feature.start();
        awaitTrue("the feature's types to answer", Duration.ofSeconds(10), () -> {
            try {
                return status(qq(probe, Types.GROUP_MUTE_ALL, "groupId", 0)) != Status.UNSUPPORTED;
            } catch (Exception e) {
                throw new AssertionError(e);
            }
        });
    }

    private void uninstall(ParleyClient probe) throws Exception {
        feature.uninstall();
        awaitTrue("the feature's types to go", Duration.ofSeconds(10), () -> {
            try {
                return status(qq(probe, Types.GROUP_MUTE_ALL, "groupId", 0)) == Status.UNSUPPORTED;
            } catch (Exception e) {
                throw new AssertionError(e);
            }
        });
    }

    private List<String> users(String prefix, int n) throws Exception {
        List<String> names = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            names.add(registered(prefix + i + "-"));
        }
        return names;
    }

    private static String roleOf(GroupInfo info, String user) {
        return info.members().stream().filter(m -> m.username().equals(user)).findFirst().orElseThrow().role();
    }

    @Test
    public void installUseUninstallAndReinstallAtRuntime() throws Exception {
        List<String> u = users("qq", 6);
        String owner = u.get(0);
        String admin = u.get(1);
        String muted = u.get(2);
        String plain = u.get(3);
        String outsider = u.get(4);
        String later = u.get(5);
        ParleyClient o = as(owner);
        long id = await(o.createGroup("qq", List.of(admin, muted, plain)));
        await(as(muted).sendToGroup(id, "before the feature", "b1"));
        for (int type = 64; type <= 70; type++) {
            assertEquals("type " + type + " without the feature", Status.UNSUPPORTED, status(qq(o, type, "groupId", id)));
        }

        install(o);
        await(qq(o, Types.GROUP_SET_ROLE, "groupId", id, "username", admin, "role", "admin"));
        GroupInfo info = await(o.groupInfo(id));
        assertEquals("admin", roleOf(info, admin));
        assertEquals("owner", roleOf(info, owner));
        assertEquals("member", roleOf(info, plain));
        assertEquals("approval", info.settings().get("joinMode"));

        ParleyClient a = as(admin);
        await(qq(a, Types.GROUP_MUTE, "groupId", id, "username", muted, "seconds", 600));
        ParleyClient m = as(muted);
        ParleyException silenced = failure(m.sendToGroup(id, "can you hear me", "m1"));
        assertEquals(Status.FORBIDDEN, silenced.status());
        assertTrue(silenced.getMessage().contains("muted"));
        ParleyClient p = as(plain);
        assertEquals(Status.FORBIDDEN, status(p.removeMembers(id, List.of(muted))));
        assertEquals(Status.FORBIDDEN, status(a.removeMembers(id, List.of(owner))));
        await(p.sendToGroup(id, "plain members still speak", "p1"));

        // approval, end to end
        ParleyClient out = as(outsider);
        assertEquals("pending", await(qq(out, Types.GROUP_JOIN, "groupId", id, "note", "let me in")).get("status").getAsString());
        assertTrue(await(out.groups()).groups().isEmpty());
        List<InboxEntry> ownerInbox = await(o.pull(0, 500)).messages();
        assertTrue("the owner hears of the request", ownerInbox.stream()
                .anyMatch(e -> e.event() != null && e.event().json().contains("joinRequest") && e.event().json().contains(outsider)));
        await(qq(a, Types.GROUP_JOIN_DECIDE, "groupId", id, "username", outsider, "approve", true));
        assertEquals(1, await(out.groups()).groups().size());
        await(out.sendToGroup(id, "thanks", "o1"));

        await(qq(o, Types.GROUP_SETTINGS, "groupId", id, "joinMode", "invite"));
        assertEquals(Status.FORBIDDEN, status(p.addMembers(id, List.of(later))));

        uninstall(o);
        Thread.sleep(2000); // past the grace in which a type whose handler just left answers UNAVAILABLE
        for (int type = 64; type <= 70; type++) {
            assertEquals("type " + type + " after uninstall", Status.UNSUPPORTED, status(qq(o, type, "groupId", id)));
        }
        await(p.addMembers(id, List.of(later)));
        await(m.sendToGroup(id, "free again", "m2"));
        assertEquals("member", roleOf(await(o.groupInfo(id)), admin));
        assertEquals(Map.of(), await(o.groupInfo(id)).settings());

        install(o);
        assertEquals("the mute is back", Status.FORBIDDEN, status(m.sendToGroup(id, "muted again", "m3")));
        info = await(o.groupInfo(id));
        assertEquals("the role is back", "admin", roleOf(info, admin));
        assertEquals("invite", info.settings().get("joinMode"));
        await(qq(a, Types.GROUP_MUTE, "groupId", id, "username", muted, "seconds", 0));
        await(m.sendToGroup(id, "lifted", "m4"));
    }

    @Test
    public void everyFeatureTypeIsAllowedForExactlyTheRightPeople() throws Exception {
        List<String> u = users("mx", 6);
        String owner = u.get(0);
        String admin = u.get(1);
        String member = u.get(2);
        String stranger = u.get(3);
        String requester = u.get(4);
        String target = u.get(5);
        Map<String, ParleyClient> c = new HashMap<>();
        for (String name : u) {
            c.put(name, as(name));
        }
        install(c.get(owner));
        String[] actors = {stranger, member, admin, owner};
        Map<Integer, List<String>> allowed = Map.of(
                Types.GROUP_SET_ROLE, List.of(owner),
                Types.GROUP_TRANSFER, List.of(owner),
                Types.GROUP_MUTE, List.of(admin, owner),
                Types.GROUP_MUTE_ALL, List.of(admin, owner),
                Types.GROUP_SETTINGS, List.of(owner),
                Types.GROUP_JOIN, List.of(stranger),
                Types.GROUP_JOIN_DECIDE, List.of(admin, owner));
        for (int type = 64; type <= 70; type++) {
            for (String actor : actors) {
                long id = await(c.get(owner).createGroup("m" + type, List.of(admin, member, target)));
                await(qq(c.get(owner), Types.GROUP_SET_ROLE, "groupId", id, "username", admin, "role", "admin"));
                if (type == Types.GROUP_JOIN) {
                    await(qq(c.get(owner), Types.GROUP_SETTINGS, "groupId", id, "joinMode", "open"));
                }
                if (type == Types.GROUP_JOIN_DECIDE) {
                    await(qq(c.get(requester), Types.GROUP_JOIN, "groupId", id));
                }
                CompletableFuture<JsonObject> call = switch (type) {
                    case Types.GROUP_SET_ROLE -> qq(c.get(actor), type, "groupId", id, "username", target, "role", "admin");
                    case Types.GROUP_TRANSFER -> qq(c.get(actor), type, "groupId", id, "username", target);
                    case Types.GROUP_MUTE -> qq(c.get(actor), type, "groupId", id, "username", target, "seconds", 60);
                    case Types.GROUP_MUTE_ALL -> qq(c.get(actor), type, "groupId", id, "on", true);
                    case Types.GROUP_SETTINGS -> qq(c.get(actor), type, "groupId", id, "maxMembers", 100);
                    case Types.GROUP_JOIN -> qq(c.get(actor), type, "groupId", id);
                    default -> qq(c.get(actor), type, "groupId", id, "username", requester, "approve", true);
                };
                Status s = status(call);
                boolean expected = allowed.get(type).contains(actor);
                assertEquals("type " + type + " by " + actor + " (" + s + ")", expected, s == Status.OK);
                if (!expected) {
                    assertTrue("type " + type + " by " + actor + ": " + s,
                            s == Status.FORBIDDEN || (type == Types.GROUP_JOIN && s == Status.CONFLICT));
                }
            }
        }
    }

    @Test
    public void badFeatureInputGetsAStatus() throws Exception {
        List<String> u = users("qb", 3);
        ParleyClient o = as(u.get(0));
        long id = await(o.createGroup("bad", List.of(u.get(1), u.get(2))));
        install(o);
        assertEquals(Status.BAD_REQUEST, status(qq(o, Types.GROUP_SETTINGS, "groupId", id, "joinMode", "sometimes")));
        assertEquals(Status.BAD_REQUEST, status(qq(o, Types.GROUP_SETTINGS, "groupId", id, "maxMembers", 2)));
        assertEquals(Status.BAD_REQUEST, status(qq(o, Types.GROUP_SETTINGS, "groupId", id, "maxMembers", 3001)));
        await(qq(o, Types.GROUP_SETTINGS, "groupId", id, "maxMembers", 3));
        assertEquals(Status.FORBIDDEN, status(qq(o, Types.GROUP_MUTE, "groupId", id, "username", u.get(0), "seconds", 60)));
        assertEquals(Status.BAD_REQUEST, status(qq(o, Types.GROUP_MUTE, "groupId", id, "username", u.get(1), "seconds", -1)));
        assertEquals(Status.BAD_REQUEST, status(qq(o, Types.GROUP_SET_ROLE, "groupId", id, "username", u.get(1), "role", "king")));
        assertEquals(Status.NOT_FOUND, status(qq(o, Types.GROUP_MUTE, "groupId", 999_999, "username", u.get(1), "seconds", 6)));
        assertEquals(Status.NOT_FOUND, status(qq(o, Types.GROUP_JOIN_DECIDE, "groupId", id, "username", u.get(1), "approve", true)));
        assertEquals(Status.BAD_REQUEST, status(qq(o, Types.GROUP_MUTE_ALL, "groupId", id, "on", "yes")));
        assertEquals(Status.FORBIDDEN, status(o.addMembers(id, List.of(registered("full")))));
        await(o.ping());
    }

    @Test
    public void aJoinRequestEndsWhenItsAuthorIsAddedAnotherWay() throws Exception {
        List<String> u = users("qr", 3);
        ParleyClient o = as(u.get(0));
        long id = await(o.createGroup("requests", List.of(u.get(1))));
        install(o);
        ParleyClient joiner = as(u.get(2));
        assertEquals("pending", await(qq(joiner, Types.GROUP_JOIN, "groupId", id)).get("status").getAsString());
        await(o.addMembers(id, List.of(u.get(2))));
        // Deciding it now says so, and closes it: it does not wait for ever, nor tell a member "rejected".
        assertEquals(Status.CONFLICT, status(qq(o, Types.GROUP_JOIN_DECIDE, "groupId", id, "username", u.get(2),
                "approve", false)));
        assertEquals(Status.NOT_FOUND, status(qq(o, Types.GROUP_JOIN_DECIDE, "groupId", id, "username", u.get(2),
                "approve", true)));
    }

    @Test
    public void aRoleAMuteAndARequestEndWithTheMembership() throws Exception {
        // A removed admin used to be admin again as soon as anyone re-added them (H3).
        List<String> u = users("end", 4);
        String owner = u.get(0);
        String admin = u.get(1);
        String muted = u.get(2);
        String outsider = u.get(3);
        ParleyClient o = as(owner);
        long id = await(o.createGroup("ends", List.of(admin, muted)));
        install(o);
        // The feature's handlers register one by one: each may still answer UNSUPPORTED for a moment.
        whenReady(() -> qq(o, Types.GROUP_SETTINGS, "groupId", id, "joinMode", "open"));
        whenReady(() -> qq(o, Types.GROUP_SET_ROLE, "groupId", id, "username", admin, "role", "admin"));
        whenReady(() -> qq(o, Types.GROUP_MUTE, "groupId", id, "username", muted, "seconds", 600));
        assertEquals("admin", roleOf(await(o.groupInfo(id)), admin));

        await(o.removeMembers(id, List.of(admin)));
        await(as(muted).leaveGroup(id));
        ParleyClient a = as(admin);
        assertEquals("joined", whenReady(() -> qq(a, Types.GROUP_JOIN, "groupId", id)).get("status").getAsString());
        assertEquals("member", roleOf(await(o.groupInfo(id)), admin));
        assertEquals(Status.FORBIDDEN, status(qq(a, Types.GROUP_MUTE, "groupId", id, "username", owner, "seconds", 60)));
        ParleyClient m = as(muted);
        assertEquals("joined", await(qq(m, Types.GROUP_JOIN, "groupId", id)).get("status").getAsString());
        await(m.sendToGroup(id, "no longer muted", "m1"));

        // One pending request per user and group.
        await(qq(o, Types.GROUP_SETTINGS, "groupId", id, "joinMode", "approval"));
        ParleyClient out = as(outsider);
        assertEquals("pending", await(qq(out, Types.GROUP_JOIN, "groupId", id, "note", "hi")).get("status").getAsString());
        assertEquals(Status.CONFLICT, status(qq(out, Types.GROUP_JOIN, "groupId", id, "note", "hi again")));
    }
}
