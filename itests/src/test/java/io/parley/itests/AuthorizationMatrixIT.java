package io.parley.itests;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;
import static org.junit.Assert.fail;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.nio.NioEventLoopGroup;
import io.parley.client.ParleyClient;
import io.parley.client.ParleyClientOptions;
import io.parley.protocol.Types;
import io.parley.testkit.exam.ParleyTestSupport;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Collectors;
import org.junit.After;
import org.junit.Assume;
import org.junit.Test;

/**
 * Who may do what: one table, every request type (core and QQ) against every role a user can have towards the
 * user or the group a request is about, run cell by cell against real servers (bin/parley with the QQ feature
 * deployed). Each cell gets a world of its own: fresh users, friendships and a group, built through the
 * protocol, then the actor sends the request and the answer's status must be the cell's.
 *
 * <p>Roles: anonymous (connected, not logged in); stranger (logged in, no friend of the target user, not in
 * the group); friend (a friend of the target user and of the group's owner, not in the group); member; admin
 * (a QQ admin); owner; removed (was an admin, then removed from the group). "-" is a cell that means nothing
 * (a member towards a user). The other node: the whole table runs a second time on two nodes, every world built
 * through one node and every actor on the other, so the nodes must agree (a removed member's node has the group
 * cached from before the removal).
 *
 * <p>The table is complete: a request type the protocol defines or the server answers, without a row, fails
 * the test. docs/protocol.md shows the same table, and a test keeps the two equal.
 */
public class AuthorizationMatrixIT {

    enum Role { ANONYMOUS, STRANGER, FRIEND, MEMBER, ADMIN, OWNER, REMOVED }

    /** Types the server sends and never answers. */
    private static final Set<Integer> NOTICES = Set.of(Types.KICKED, Types.FRIEND_EVENT, Types.PRESENCE,
            Types.MSG_NOTIFY);

    /** What must happen before the actor's request, besides the role. */
    enum Before { NOTHING, PEER_ASKED_ACTOR, JOINER_ASKED }

    /**
     * One request and what each role gets. The body is JSON with placeholders: $PEER the target user, $FRIEND a
     * friend of the actor outside the group, $NOBODY a user nobody befriended, $JOINER a user who asked to join,
     * $ACTOR the actor, $GROUP the group, $TOKEN the actor's token (device pc), $NEW a fresh name, $CID a fresh
     * cid, $GMSG a message the owner sent to the group (before a removed member was removed).
     */
    record Row(int type, String request, String body, Before before, Map<Role, String> expect) {
    }

    /** Cells in role order; "ok", a status name in lower case, or "-". */
    private static Row row(int type, String request, String body, Before before, String cells) {
        String[] c = cells.trim().split("\\s+");
        if (c.length != Role.values().length) {
            throw new IllegalArgumentException(request + ": " + c.length + " cells");
        }
        Map<Role, String> expect = new EnumMap<>(Role.class);
        for (Role r : Role.values()) {
            expect.put(r, c[r.ordinal()]);
        }
        return new Row(type, request, body, before, expect);
    }

    private static Row row(int type, String request, String body, String cells) {
        return row(type, request, body, Before.NOTHING, cells);
    }

    static final List<Row> ROWS = List.of(
        //                                                                anon   stranger friend member admin owner removed
        row(Types.PING, "PING", "{}", "ok ok ok ok ok ok ok"),
        row(Types.REGISTER, "REGISTER a new name", "{'username':'$NEW','password':'password-1'}",
                "ok ok - - - - -"),
        row(Types.LOGIN, "LOGIN", "{'username':'$ACTOR','password':'password-1','device':'tablet'}",
                "ok ok - - - - -"),
        row(Types.RESUME, "RESUME the actor's token", "{'token':'$TOKEN','device':'pc'}", "ok ok - - - - -"),
        row(Types.AUTH_START, "AUTH_START", "{'username':'$ACTOR','device':'tablet','clientNonce':'"
                + "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA'}", "ok ok - - - - -"),
        row(Types.AUTH_FINISH, "AUTH_FINISH with no AUTH_START before it", "{'nonce':'AAAAAAAA','proof':'AAAA'}",
                "bad_request bad_request - - - - -"),
        row(Types.LOGOUT, "LOGOUT", "{}", "unauthenticated ok - - - - -"),
        row(Types.PROFILE_GET, "PROFILE_GET the peer", "{'username':'$PEER'}", "unauthenticated ok ok - - - -"),
        row(Types.PROFILE_UPDATE, "PROFILE_UPDATE", "{'nickname':'N'}", "unauthenticated ok - - - - -"),
        row(Types.PASSWORD_CHANGE, "PASSWORD_CHANGE", "{'old':'password-1','new':'password-2'}",
                "unauthenticated ok - - - - -"),
        row(Types.FRIEND_ADD, "FRIEND_ADD the peer", "{'username':'$PEER'}", "unauthenticated ok conflict - - - -"),
        row(Types.FRIEND_ACCEPT, "FRIEND_ACCEPT the peer, who asked", "{'username':'$PEER'}", Before.PEER_ASKED_ACTOR,
                "unauthenticated ok - - - - -"),
        row(Types.FRIEND_ACCEPT, "FRIEND_ACCEPT the peer, who did not ask", "{'username':'$PEER'}",
                "unauthenticated not_found not_found - - - -"),
        row(Types.FRIEND_REJECT, "FRIEND_REJECT the peer, who asked", "{'username':'$PEER'}", Before.PEER_ASKED_ACTOR,
                "unauthenticated ok - - - - -"),
        row(Types.FRIEND_REJECT, "FRIEND_REJECT the peer, who did not ask", "{'username':'$PEER'}",
                "unauthenticated not_found not_found - - - -"),
        row(Types.FRIEND_REMOVE, "FRIEND_REMOVE the peer", "{'username':'$PEER'}",
                "unauthenticated not_found ok - - - -"),
        row(Types.FRIEND_LIST, "FRIEND_LIST", "{}", "unauthenticated ok - - - - -"),
        row(Types.MSG_SEND, "MSG_SEND to the peer", "{'to':'$PEER','text':'hi','cid':'$CID'}",
                "unauthenticated forbidden ok - - - -"),
        row(Types.MSG_PULL, "MSG_PULL", "{'after':0}", "unauthenticated ok - - - - -"),
        row(Types.MSG_ACK, "MSG_ACK", "{'seq':0}", "unauthenticated ok - - - - -"),
        row(Types.HISTORY, "HISTORY with the peer", "{'with':'$PEER'}", "unauthenticated ok ok - - - -"),
        row(Types.HISTORY, "HISTORY of the group", "{'group':$GROUP}",
                "unauthenticated forbidden forbidden ok ok ok forbidden"),
        row(Types.GROUP_CREATE, "GROUP_CREATE naming a friend", "{'name':'g','members':['$FRIEND']}",
                "unauthenticated ok ok - - - -"),
        row(Types.GROUP_CREATE, "GROUP_CREATE naming the peer", "{'name':'g','members':['$PEER']}",
                "unauthenticated forbidden ok - - - -"),
        row(Types.GROUP_DISSOLVE, "GROUP_DISSOLVE", "{'groupId':$GROUP}",
                "unauthenticated forbidden forbidden forbidden forbidden ok forbidden"),
        row(Types.GROUP_ADD, "GROUP_ADD a friend", "{'groupId':$GROUP,'members':['$FRIEND']}",
                "unauthenticated forbidden forbidden ok ok ok forbidden"),
        row(Types.GROUP_ADD, "GROUP_ADD a user who is no friend", "{'groupId':$GROUP,'members':['$NOBODY']}",
                "unauthenticated forbidden forbidden forbidden forbidden forbidden forbidden"),
        row(Types.GROUP_REMOVE, "GROUP_REMOVE the peer", "{'groupId':$GROUP,'members':['$PEER']}",
                "unauthenticated forbidden forbidden forbidden ok ok forbidden"),
        row(Types.GROUP_LEAVE, "GROUP_LEAVE", "{'groupId':$GROUP}",
                "unauthenticated forbidden forbidden ok ok ok forbidden"),
        row(Types.GROUP_INFO, "GROUP_INFO", "{'groupId':$GROUP}",
                "unauthenticated forbidden forbidden ok ok ok forbidden"),
        row(Types.GROUP_LIST, "GROUP_LIST", "{}", "unauthenticated ok - - - - -"),
        row(Types.GROUP_SEND, "GROUP_SEND", "{'groupId':$GROUP,'text':'hi','cid':'$CID'}",
                "unauthenticated forbidden forbidden ok ok ok forbidden"),
        row(Types.GROUP_SET_ROLE, "GROUP_SET_ROLE the peer admin", "{'groupId':$GROUP,'username':'$PEER','role':'admin'}",
                "unauthenticated forbidden forbidden forbidden forbidden ok forbidden"),
        row(Types.GROUP_TRANSFER, "GROUP_TRANSFER to the peer", "{'groupId':$GROUP,'username':'$PEER'}",
                "unauthenticated forbidden forbidden forbidden forbidden ok forbidden"),
        row(Types.GROUP_MUTE, "GROUP_MUTE the peer", "{'groupId':$GROUP,'username':'$PEER','seconds':60}",
                "unauthenticated forbidden forbidden forbidden ok ok forbidden"),
        row(Types.GROUP_MUTE_ALL, "GROUP_MUTE_ALL", "{'groupId':$GROUP,'on':true}",
                "unauthenticated forbidden forbidden forbidden ok ok forbidden"),
        row(Types.GROUP_SETTINGS, "GROUP_SETTINGS", "{'groupId':$GROUP,'joinMode':'open'}",
                "unauthenticated forbidden forbidden forbidden forbidden ok forbidden"),
        row(Types.GROUP_JOIN, "GROUP_JOIN (approval, the default)", "{'groupId':$GROUP}",
                "unauthenticated ok ok conflict conflict conflict ok"),
        row(Types.GROUP_JOIN_DECIDE, "GROUP_JOIN_DECIDE a request", "{'groupId':$GROUP,'username':'$JOINER','approve':true}",
                Before.JOINER_ASKED, "unauthenticated forbidden forbidden forbidden ok ok forbidden"),
        row(Types.MSG_RECALL, "MSG_RECALL the owner's group message", "{'msgId':$GMSG}",
                "unauthenticated not_found not_found forbidden forbidden ok forbidden"));

    private static final String PASSWORD = "password-1";
    private static final AtomicLong NAMES = new AtomicLong(System.nanoTime() % 1_000_000_000L);
    private static final int REDIS_DATABASE = 11;
    /** etc/io.parley.groups.cfg's default. */
    private static final long CLUSTER_VIEW_MS = 1000;

    private final List<Distribution> nodes = new ArrayList<>();
    private final EventLoopGroup loop = new NioEventLoopGroup(2);
    private String mariaDb;

    @After
    public void tearDown() throws Exception {
        for (Distribution node : nodes) {
            node.close();
        }
        loop.shutdownGracefully(0, 1, TimeUnit.SECONDS);
        if (mariaDb != null) {
            TestBackends.dropMariaDb(mariaDb);
        }
    }

    // ---- the table ------------------------------------------------------------------------------------

    /** Every type the protocol defines that a client sends. */
    private static Set<Integer> requestTypes() throws IllegalAccessException {
        Set<Integer> types = new TreeSet<>();
        for (Field f : Types.class.getFields()) {
            if (Modifier.isStatic(f.getModifiers()) && f.getType() == int.class) {
                types.add(f.getInt(null));
            }
        }
        types.removeAll(NOTICES);
        return types;
    }

    /** The table as docs/protocol.md shows it. */
    static String markdown() {
        StringBuilder out = new StringBuilder("| code | request | anonymous | stranger | friend | member | admin | owner "
                + "| removed member |\n|---|---|---|---|---|---|---|---|---|\n");
        for (Row r : ROWS) {
            out.append("| ").append(r.type()).append(" | ").append(r.request());
            for (Role role : Role.values()) {
                String cell = r.expect().get(role);
                out.append(" | ").append(cell.equals("-") ? "" : cell.equals("ok") ? "OK" : cell.toUpperCase());
            }
            out.append(" |\n");
        }
        return out.toString();
    }

    @Test
    public void theDocsShowThisTable() throws Exception {
        String docs = Files.readString(Path.of(System.getProperty("parley.docs", "../docs")).resolve("protocol.md"),
                StandardCharsets.UTF_8);
        assertTrue("docs/protocol.md must hold the authorization matrix exactly as this test has it:\n" + markdown(),
                docs.contains(markdown()));
    }

    @Test
    public void everyRequestTypeHasARow() throws Exception {
        Set<Integer> rows = ROWS.stream().map(Row::type).collect(Collectors.toCollection(TreeSet::new));
        Set<Integer> missing = new TreeSet<>(requestTypes());
        missing.removeAll(rows);
        assertTrue("request types without a row in the authorization matrix: "
                + missing.stream().map(Types::name).toList(), missing.isEmpty());
    }

    // ---- running it --------------------------------------------------------------------------------------

    private Distribution node() throws Exception {
        Distribution node = new Distribution();
        nodes.add(node);
        node.setConfig("io.parley.accounts", "pbkdf2Iterations", "4096");
        for (String feature : List.of("qq-group-rules.jar", "message-recall.jar")) {
            Files.copy(node.home.resolve("features").resolve(feature), node.home.resolve("deploy").resolve(feature),
                    StandardCopyOption.REPLACE_EXISTING);
        }
        return node;
    }

    @Test
    public void everyCellHoldsOnOneServer() throws Exception {
        Distribution one = node();
        one.start();
        run(one, one);
    }

    @Test
    public void everyCellHoldsWhenTheActorIsOnAnotherNode() throws Exception {
        String missing = TestBackends.unreachable();
        if (missing != null && "true".equalsIgnoreCase(System.getenv("CI"))) {
            fail("MariaDB and Redis are required in CI: " + missing);
        }
        Assume.assumeTrue("*** SKIPPED: " + missing + " ***", missing == null);
        mariaDb = TestBackends.freshMariaDb();
        TestBackends.flushRedis(REDIS_DATABASE);
        Distribution east = node();
        Distribution west = node();
        for (Distribution node : nodes) {
            node.joinCluster(mariaDb, REDIS_DATABASE, node == east ? "east" : "west");
            node.start();
        }
        run(east, west);
    }

    /** Every cell, each in a world of its own built through {@code setup}; the actor is on {@code actorNode}. */
    private void run(Distribution setup, Distribution actorNode) throws Exception {
        awaitQq(setup);
        awaitQq(actorNode);
        Set<Integer> answered = answeredTypes(actorNode);
        Set<Integer> rows = ROWS.stream().map(Row::type).collect(Collectors.toSet());
        answered.removeAll(rows);
        assertTrue("types the server answers without a row in the authorization matrix: "
                + answered.stream().map(Types::name).toList(), answered.isEmpty());
        List<String> wrong = new ArrayList<>();
        int cells = 0;
        for (Row row : ROWS) {
            for (Role role : Role.values()) {
                String expected = row.expect().get(role);
                if (expected.equals("-")) {
                    continue;
                }
                cells++;
                String got = cell(setup, actorNode, row, role);
                if (!got.equals(expected)) {
                    wrong.add(row.request() + " as " + role.name().toLowerCase() + ": " + got + ", expected " + expected);
                }
            }
        }
        assertTrue(wrong.size() + " of " + cells + " cells do not hold:\n" + String.join("\n", wrong), wrong.isEmpty());
        for (Distribution node : nodes) {
            assertTrue("a node logged an error:\n" + node.log(), !node.log().contains("ERROR"));
        }
    }

    /** Waits until the features deployed at start (QQ's group rules, message recall) answer. */
    private void awaitQq(Distribution node) throws Exception {
        ParleyClient c = user(node, fresh("qq"));
        for (int type : new int[] {Types.GROUP_SETTINGS, Types.MSG_RECALL}) {
            node.awaitTrue("the feature of " + Types.name(type) + " to answer", java.time.Duration.ofSeconds(30), () -> {
                try {
                    return !"unsupported".equals(status(c.request(type, JsonParser.parseString(
                            "{'groupId':1,'msgId':1}").getAsJsonObject())));
                } catch (Exception e) {
                    return false;
                }
            });
        }
        c.close();
    }

    /** The types 0..255 this node answers with anything but UNSUPPORTED, to a logged-in user. */
    private Set<Integer> answeredTypes(Distribution node) throws Exception {
        Set<Integer> answered = new TreeSet<>();
        ParleyClient c = null;
        for (int type = 1; type < 256; type++) {
            if (type == Types.LOGOUT || NOTICES.contains(type)) {
                continue;
            }
            if (c == null || !c.isConnected()) {
                c = user(node, fresh("probe"));
            }
            if (!"unsupported".equals(status(c.request(type, new JsonObject())))) {
                answered.add(type);
            }
        }
        c.close();
        answered.add(Types.PING);
        answered.add(Types.LOGOUT);
        return answered;
    }

    private static String fresh(String prefix) {
        return prefix + NAMES.incrementAndGet(); // digits: two names never look alike
    }

    private ParleyClient connect(Distribution node) throws Exception {
        return ParleyClient.connect("127.0.0.1", node.port, ParleyClientOptions.defaults().withEventLoop(loop))
                .get(10, TimeUnit.SECONDS);
    }

    private ParleyClient user(Distribution node, String name) throws Exception {
        ParleyClient c = connect(node);
        c.register(name, PASSWORD, null).get(10, TimeUnit.SECONDS);
        c.login(name, PASSWORD, "pc").get(10, TimeUnit.SECONDS);
        return c;
    }

    private static void befriend(ParleyClient a, String aName, ParleyClient b, String bName) throws Exception {
        a.addFriend(bName, null).get(10, TimeUnit.SECONDS);
        b.acceptFriend(aName).get(10, TimeUnit.SECONDS);
    }

    private static String status(CompletableFuture<?> answer) throws Exception {
        return ParleyTestSupport.answer(answer).name().toLowerCase();
    }

    /**
     * Builds the cell's world, sends the request as the actor, once, and returns the answer's status.
     */
    private String cell(Distribution setup, Distribution actorNode, Row row, Role role)
            throws Exception {
        List<ParleyClient> open = new ArrayList<>();
        try {
            String owner = fresh("own");
            String peer = fresh("peer");
            String friend = fresh("fr");
            String nobody = fresh("no");
            String joiner = fresh("join");
            String actor = role == Role.OWNER ? owner : fresh("act");
            ParleyClient o = user(setup, owner);
            ParleyClient p = user(setup, peer);
            ParleyClient f = user(setup, friend);
            open.addAll(List.of(o, p, f));
            open.add(user(setup, nobody));
            ParleyClient x = role == Role.OWNER ? o : user(actorNode, actor);
            open.add(x);
            String token = role == Role.OWNER ? o.login(owner, PASSWORD, "pc").get(10, TimeUnit.SECONDS).token()
                    : x.login(actor, PASSWORD, "pc").get(10, TimeUnit.SECONDS).token();
            befriend(o, owner, p, peer);
            if (role != Role.OWNER) {
                befriend(x, actor, f, friend);
            } else {
                befriend(o, owner, f, friend);
            }
            if (role == Role.FRIEND) {
                befriend(x, actor, p, peer);
                befriend(x, actor, o, owner);
            }
            if (role == Role.MEMBER || role == Role.ADMIN || role == Role.REMOVED) {
                befriend(x, actor, o, owner);
            }
            List<String> members = role == Role.MEMBER || role == Role.ADMIN || role == Role.REMOVED
                    ? List.of(peer, actor) : List.of(peer);
            long group = o.createGroup("world", members).get(10, TimeUnit.SECONDS);
            long groupMessage = row.body().contains("$GMSG")
                    ? o.sendToGroup(group, "hello", fresh("cid")).get(10, TimeUnit.SECONDS).msgId() : 0;
            if (role == Role.ADMIN || role == Role.REMOVED) {
                o.request(Types.GROUP_SET_ROLE, json("{'groupId':" + group + ",'username':'" + actor
                        + "','role':'admin'}")).get(10, TimeUnit.SECONDS);
            }
            if (role == Role.REMOVED) {
                x.groupInfo(group).get(10, TimeUnit.SECONDS); // the actor's node has the group cached
                o.removeMembers(group, List.of(actor)).get(10, TimeUnit.SECONDS);
            }
            if (row.before() == Before.PEER_ASKED_ACTOR) {
                p.addFriend(actor, null).get(10, TimeUnit.SECONDS);
            } else if (row.before() == Before.JOINER_ASKED) {
                ParleyClient j = user(setup, joiner);
                open.add(j);
                j.request(Types.GROUP_JOIN, json("{'groupId':" + group + "}")).get(10, TimeUnit.SECONDS);
            }
            ParleyClient asking = x;
            if (role == Role.ANONYMOUS) {
                asking = connect(actorNode);
                open.add(asking);
            }
            String body = row.body().replace("$PEER", peer).replace("$FRIEND", friend).replace("$NOBODY", nobody)
                    .replace("$JOINER", joiner).replace("$ACTOR", actor).replace("$GROUP", Long.toString(group))
                    .replace("$TOKEN", token).replace("$NEW", fresh("new")).replace("$CID", fresh("cid"))
                    .replace("$GMSG", Long.toString(groupMessage));
            if (role == Role.REMOVED && setup != actorNode) {
                // The actor's node has the group cached from before the removal, and may act on it for up to
                // clusterViewMs (ClusterIT measures that); after it, the request must be refused, once.
                Thread.sleep(CLUSTER_VIEW_MS + 300);
            }
            return status(asking.request(row.type(), json(body)));
        } finally {
            open.forEach(ParleyClient::close);
        }
    }

    private static JsonObject json(String singleQuoted) {
        return JsonParser.parseString(singleQuoted.replace('\'', '"')).getAsJsonObject();
    }
}
