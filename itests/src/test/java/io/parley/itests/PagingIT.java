package io.parley.itests;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;
import static org.ops4j.pax.exam.cm.ConfigurationAdminOptions.newConfiguration;

import com.google.gson.JsonObject;
import io.parley.api.friend.FriendList;
import io.parley.api.group.GroupInfo;
import io.parley.api.group.GroupList;
import io.parley.client.ParleyClient;
import io.parley.protocol.Frame;
import io.parley.protocol.Status;
import io.parley.protocol.Types;
import io.parley.testkit.exam.ParleyTestSupport;
import io.parley.testkit.wire.WireClient;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import org.junit.Test;
import org.junit.runner.RunWith;
import org.ops4j.pax.exam.Option;
import org.ops4j.pax.exam.junit.PaxExam;
import org.ops4j.pax.exam.spi.reactors.ExamReactorStrategy;
import org.ops4j.pax.exam.spi.reactors.PerClass;

/**
 * Every list answer fits in one frame and pages with more and a cursor: FRIEND_LIST, GROUP_LIST and
 * GROUP_INFO's members, on a server whose frames are 2 KiB, so that a few dozen items overflow one. A client
 * that pages on {@code more} sees every item once, and the SDK pages until done.
 */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerClass.class)
public class PagingIT extends ParleyTestSupport {

    private static final int MAX_BODY = 2048;
    private static final int N = 60;

    @Override
    protected Map<String, String> transportExtras() {
        return Map.of("maxBody", Integer.toString(MAX_BODY));
    }

    @Override
    protected Option[] extraOptions() {
        return new Option[] {newConfiguration("io.parley.messaging").put("requireFriendship", "false").asOption()};
    }

    /** Pages through one list type over a raw socket: every frame within maxBody, every item once. */
    private static List<String> pages(WireClient c, int type, String fixed, String arrayField,
            Function<JsonObject, String> cursorOf, String cursorField, boolean quoted) throws Exception {
        List<String> items = new ArrayList<>();
        String cursor = null;
        for (int page = 0; ; page++) {
            String after = cursor == null ? "" : ",\"" + cursorField + "\":" + (quoted ? "\"" + cursor + "\"" : cursor);
            c.request(type, "{\"id\":\"p" + page + "\"" + fixed + after + "}");
            Frame f = c.response();
            assertEquals(f.bodyText(), Status.OK.code(), f.status());
            assertTrue(f.body().length + " bytes", f.body().length <= MAX_BODY);
            JsonObject body = WireClient.json(f);
            var array = body.getAsJsonArray(arrayField);
            for (var e : array) {
                String item = cursorOf.apply(e.getAsJsonObject());
                items.add(item);
                cursor = item;
            }
            if (!body.get("more").getAsBoolean()) {
                return items;
            }
            assertTrue("a page with more holds at least one item", array.size() > 0);
        }
    }

    @Test
    public void friendsGroupsAndMembersComeInPagesThatFitAFrame() throws Exception {
        awaitServer();
        String owner = registered("pg-own");
        ParleyClient me = client();
        await(me.login(owner, PASSWORD, "pc"));
        List<String> names = new ArrayList<>();
        for (int i = 0; i < N; i++) {
            String name = registered("pg" + i + "-");
            names.add(name);
            await(me.addFriend(name, "a note to make the entry longer " + i));
        }
        // In two requests: one may name 50 members at most.
        long group = await(me.createGroup("paged", names.subList(0, N / 2)));
        await(me.addMembers(group, names.subList(N / 2, N)));
        for (int i = 0; i < N; i++) {
            await(me.createGroup("g" + i, List.of(names.get(i))));
        }

        try (WireClient c = new WireClient(port())) {
            assertEquals(Status.OK.code(), c.login(owner, PASSWORD, "wire").status());
            List<String> outgoing = new ArrayList<>();
            String after = null;
            for (boolean more = true; more; ) {
                c.request(Types.FRIEND_LIST, "{\"id\":\"f\"" + (after == null ? "" : ",\"after\":\"" + after + "\"") + "}");
                Frame f = c.response();
                assertTrue(f.body().length <= MAX_BODY);
                JsonObject body = WireClient.json(f);
                for (var e : body.getAsJsonArray("outgoing")) {
                    outgoing.add(e.getAsString());
                    after = e.getAsString();
                }
                more = body.get("more").getAsBoolean();
            }
            assertEquals(sorted(names), outgoing);

            List<String> members = pages(c, Types.GROUP_INFO, ",\"groupId\":" + group, "members",
                    m -> m.get("username").getAsString(), "after", true);
            List<String> everyone = new ArrayList<>(names);
            everyone.add(owner);
            assertEquals(sorted(everyone), members);

            List<String> groups = pages(c, Types.GROUP_LIST, "", "groups",
                    g -> g.get("groupId").getAsString(), "after", false);
            assertEquals(N + 1, groups.size());
            assertEquals(N + 1, new HashSet<>(groups).size());
        }

        FriendList friends = await(me.friends());
        assertEquals(sorted(names), friends.outgoing());
        GroupInfo info = await(me.groupInfo(group));
        assertEquals(N + 1, info.members().size());
        assertEquals(owner, info.owner());
        GroupList mine = await(me.groups());
        Set<Long> ids = new HashSet<>();
        mine.groups().forEach(g -> ids.add(g.groupId()));
        assertEquals(N + 1, ids.size());
        assertTrue(ids.contains(group));
    }

    private static List<String> sorted(List<String> names) {
        List<String> out = new ArrayList<>(names);
        out.sort(String.CASE_INSENSITIVE_ORDER);
        return out;
    }
}
