package io.parley.storage.redis.internal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.parley.api.session.NoticeSink;
import io.parley.api.session.Session;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.osgi.framework.ServiceReference;
import org.osgi.service.component.ComponentServiceObjects;

/**
 * Three nodes on one Redis: each delivers to its devices the notices of the nodes whose users it has (their route),
 * never its own, and never another's that are not its users'.
 */
class RedisNoticeBusTest {

    private record Delivered(long userId, int type, byte[] body) {
    }

    private record Ended(long userId, String device, boolean allOthers, String reason) {
    }

    /** A node's devices: records what the bus delivers. */
    private static final class RecordingSink implements NoticeSink {
        final BlockingQueue<Delivered> delivered = new LinkedBlockingQueue<>();
        final BlockingQueue<Ended> ended = new LinkedBlockingQueue<>();
        /** The users logged in on this node, as the transport would name them. */
        final java.util.Set<Long> users = java.util.concurrent.ConcurrentHashMap.newKeySet();

        @Override
        public void forEachUser(java.util.function.LongConsumer user) {
            users.forEach(user::accept);
        }

        @Override
        public int deliver(long userId, int type, byte[] body) {
            delivered.add(new Delivered(userId, type, body));
            return 1;
        }

        @Override
        public int endSessions(long userId, String device, boolean allOthers, String reason) {
            ended.add(new Ended(userId, device, allOthers, reason));
            return 1;
        }
    }

    /** What SCR hands the bus: here the one sink, always. */
    private static ComponentServiceObjects<NoticeSink> objects(NoticeSink sink) {
        return new ComponentServiceObjects<>() {
            @Override
            public NoticeSink getService() {
                return sink;
            }

            @Override
            public void ungetService(NoticeSink service) {
            }

            @Override
            public ServiceReference<NoticeSink> getServiceReference() {
                return null;
            }
        };
    }

    private RedisConnection redisA;
    private RedisConnection redisB;
    private RedisConnection redisC;
    private RedisNoticeBus busA;
    private RedisNoticeBus busB;
    private RedisNoticeBus busC;
    private final RecordingSink devicesA = new RecordingSink();
    private final RecordingSink devicesB = new RecordingSink();
    private final RecordingSink devicesC = new RecordingSink();

    @AfterEach
    void close() {
        for (RedisNoticeBus bus : new RedisNoticeBus[] {busA, busB, busC}) {
            if (bus != null) {
                bus.close();
            }
        }
        for (RedisConnection c : new RedisConnection[] {redisA, redisB, redisC}) {
            if (c != null) {
                c.close();
            }
        }
    }

    private void start() throws InterruptedException {
        redisA = TestRedis.connect(1000, 60, "node-a");
        redisB = new RedisConnection("127.0.0.1", 6379, TestRedis.DATABASE, "", 2000, 4, 1000, 60, "node-b");
        redisC = new RedisConnection("127.0.0.1", 6379, TestRedis.DATABASE, "", 2000, 4, 1000, 60, "node-c");
        busA = new RedisNoticeBus(redisA, objects(devicesA));
        busB = new RedisNoticeBus(redisB, objects(devicesB));
        busC = new RedisNoticeBus(redisC, objects(devicesC));
        assertTrue(busA.awaitSubscribed(10, TimeUnit.SECONDS));
        assertTrue(busB.awaitSubscribed(10, TimeUnit.SECONDS));
        assertTrue(busC.awaitSubscribed(10, TimeUnit.SECONDS));
    }

    /** What a login on the node does before it is answered: the node enters the user's route. */
    private static void deviceOn(RedisNoticeBus node, long userId) {
        node.reachableHere(userId);
    }

    @Test
    void aNoticeReachesTheNodesOfTheUsersDevicesOnlyAndArrivesWhole() throws Exception {
        start();
        deviceOn(busB, 42);
        deviceOn(busA, 42); // the publishing node in the route too: it has written to its own devices already
        deviceOn(busC, 44);
        byte[] body = "{\"seq\":7,\"text\":\"héllo 😀\"}".getBytes(StandardCharsets.UTF_8);
        busA.publish(42, 21, body);
        busA.publish(43, 21, new byte[] {'x'}); // a user with no device anywhere: published to no node
        busA.publish(44, 23, new byte[0]);
        Delivered atB = devicesB.delivered.poll(10, TimeUnit.SECONDS);
        assertNotNull(atB, "node B got node A's notice");
        assertEquals(42, atB.userId());
        assertEquals(21, atB.type());
        assertArrayEquals(body, atB.body());

        // Redis runs one connection's scripts in order, and delivers a channel's messages in the order published:
        // once C holds its notice for 44, anything of 42's or 43's sent to C would have come before it.
        Delivered atC = devicesC.delivered.poll(10, TimeUnit.SECONDS);
        assertNotNull(atC, "node C got the notice for its user");
        assertEquals(44, atC.userId());
        assertTrue(devicesC.delivered.isEmpty(), "C got only its user's notice: " + devicesC.delivered);

        // And the other way, to a node that published before; nobody gets its own notice.
        busB.publish(42, 22, new byte[0]);
        deviceOn(busA, 45);
        busB.publish(45, 22, new byte[0]);
        Delivered atA = devicesA.delivered.poll(10, TimeUnit.SECONDS);
        assertNotNull(atA, "node A got node B's notice");
        assertEquals(42, atA.userId());
        assertEquals(45, devicesA.delivered.poll(10, TimeUnit.SECONDS).userId());
        assertTrue(devicesB.delivered.isEmpty() && devicesC.delivered.isEmpty(), "nobody got its own notice");
    }

    @Test
    void theRoutesOfEveryUserLoggedInHereAreWrittenAgainAfterRedisLostThem() throws Exception {
        start();
        List<RedisNoticeBus.Outgoing> notice = List.of(new RedisNoticeBus.Outgoing(70, RedisNoticeBus.encode(
                RedisNoticeBus.NOTICE, "node-a".getBytes(StandardCharsets.UTF_8), 70, new byte[] {0, 0, 0, 21})));
        deviceOn(busB, 70);
        assertEquals(1, busA.publish(notice));
        redisA.redis.flushDB(); // as a Redis restarted without its data
        assertEquals(0, busA.publish(notice), "no route: published to nobody");
        devicesB.users.add(70L); // what B's transport says it has logged in
        assertTrue(busB.renewRoutes(), "B asked its transport");
        assertEquals(1, busA.publish(notice), "routed to B again");
        long ttl = redisA.redis.pttl(RedisNoticeBus.routeKey(70));
        assertTrue(ttl > 50_000 && ttl <= 60_000, "the route lives presenceTtlSeconds: " + ttl);
    }

    @Test
    void aLoginWhoseRouteWasNotWrittenIsRoutedByTheNextRenewalEvenIfTheRegistryMissedIt() throws Exception {
        start();
        List<RedisNoticeBus.Outgoing> notice = List.of(new RedisNoticeBus.Outgoing(95, RedisNoticeBus.encode(
                RedisNoticeBus.NOTICE, "node-a".getBytes(StandardCharsets.UTF_8), 95, new byte[] {0, 0, 0, 21})));
        busB.redisFailedJustNow();
        deviceOn(busB, 95); // skipped: Redis failed a moment ago, and logins do not wait for it
        assertEquals(0, busA.publish(notice), "not routed yet");
        // The renewal read the registry before this login was bound in it: the user is not among its users.
        assertTrue(busB.renewRoutes());
        assertEquals(1, busA.publish(notice), "routed by the renewal all the same");
    }

    @Test
    void aNodeNeverPublishesToItself() throws Exception {
        start();
        deviceOn(busA, 80);
        byte[] message = RedisNoticeBus.encode(RedisNoticeBus.NOTICE, "node-a".getBytes(StandardCharsets.UTF_8), 80,
                new byte[] {0, 0, 0, 21});
        assertEquals(0, busA.publish(List.of(new RedisNoticeBus.Outgoing(80, message))), "its own node only");
        deviceOn(busB, 80);
        deviceOn(busC, 80);
        assertEquals(2, busA.publish(List.of(new RedisNoticeBus.Outgoing(80, message))), "B and C, not A");
    }

    @Test
    void whatIsQueuedWhenTheBusStopsIsStillPublished() throws Exception {
        start();
        deviceOn(busB, 90);
        for (int i = 0; i < 100; i++) {
            busA.publish(90, 21, new byte[] {(byte) i});
        }
        busA.close();
        busA = null;
        for (int i = 0; i < 100; i++) {
            Delivered atB = devicesB.delivered.poll(10, TimeUnit.SECONDS);
            assertNotNull(atB, "notice " + i);
            assertArrayEquals(new byte[] {(byte) i}, atB.body(), "in order");
        }
    }

    @Test
    void anExpiredRouteTakesNoNotice() throws Exception {
        start();
        long now = System.currentTimeMillis();
        redisA.redis.zadd(RedisNoticeBus.routeKey(50), now - 1000, "node-b".getBytes(StandardCharsets.UTF_8)); // ran out
        redisA.redis.zadd(RedisNoticeBus.routeKey(51), now + 60_000, "node-b".getBytes(StandardCharsets.UTF_8));
        busA.publish(50, 21, new byte[0]);
        busA.publish(51, 21, new byte[0]);
        assertEquals(51, devicesB.delivered.poll(10, TimeUnit.SECONDS).userId());
        assertTrue(devicesB.delivered.isEmpty(), "no notice for the user whose route expired");
    }

    @Test
    void aRedisThatLostTheScriptGetsItAgainAndNoNoticeIsLost() throws Exception {
        start();
        deviceOn(busB, 60);
        busA.publish(60, 21, new byte[] {1});
        assertEquals(60, devicesB.delivered.poll(10, TimeUnit.SECONDS).userId());
        redisA.redis.scriptFlush(); // as a restarted Redis
        busA.publish(60, 21, new byte[] {2});
        Delivered again = devicesB.delivered.poll(10, TimeUnit.SECONDS);
        assertNotNull(again, "published after the script was loaded again");
        assertArrayEquals(new byte[] {2}, again.body());
        redisA.redis.scriptFlush();
        deviceOn(busC, 60); // the route script, lost the same way: the route is written all the same
        busA.publish(60, 21, new byte[] {3});
        assertArrayEquals(new byte[] {3}, devicesC.delivered.poll(10, TimeUnit.SECONDS).body(), "C was routed");
        redisA.redis.scriptFlush();
        redisA.redis.del(RedisNoticeBus.routeKey(60));
        devicesC.users.add(60L);
        assertTrue(busC.renewRoutes());
        busA.publish(60, 21, new byte[] {4});
        assertArrayEquals(new byte[] {4}, devicesC.delivered.poll(10, TimeUnit.SECONDS).body(), "renewed without it");
    }

    @Test
    void requestsToEndSessionsReachTheOtherNodeWithTheirDeviceAndReason() throws Exception {
        start();
        deviceOn(busB, 7);
        deviceOn(busA, 8);
        busA.publishEndSessions(7, "phone", false, "Logged in again on the same device.");
        assertEquals(new Ended(7, "phone", false, "Logged in again on the same device."),
                devicesB.ended.poll(10, TimeUnit.SECONDS));
        busA.publishEndSessions(7, null, true, "The password was changed; log in again.");
        assertEquals(new Ended(7, null, true, "The password was changed; log in again."),
                devicesB.ended.poll(10, TimeUnit.SECONDS));
        busB.publishEndSessions(8, "pc", true, "é");
        assertEquals(new Ended(8, "pc", true, "é"), devicesA.ended.poll(10, TimeUnit.SECONDS));
        assertTrue(devicesA.ended.isEmpty() && devicesB.ended.isEmpty() && devicesC.ended.isEmpty(),
                "nobody ended its own sessions, nor sessions of users it has not");
    }

    @Test
    void aMalformedMessageIsDroppedAndTheBusCarriesOn() throws Exception {
        start();
        deviceOn(busB, 5);
        redisA.redis.publish(("parley:notices:" + TestRedis.DATABASE + ":node-b").getBytes(StandardCharsets.UTF_8),
                new byte[] {9});
        busA.publish(5, 21, new byte[] {'x'});
        Delivered atB = devicesB.delivered.poll(10, TimeUnit.SECONDS);
        assertNotNull(atB);
        assertEquals(5, atB.userId());
    }

    @Test
    void aNodeStillPublishingOnTheOneChannelOfAllIsHeard() throws Exception {
        start();
        // How a node of the kind before routing published: the same message, on the channel every node heard.
        byte[] message = RedisNoticeBus.encode(RedisNoticeBus.NOTICE, "node-old".getBytes(StandardCharsets.UTF_8), 9,
                java.nio.ByteBuffer.allocate(5).putInt(21).put((byte) 'y').array());
        redisA.redis.publish(("parley:notices:" + TestRedis.DATABASE).getBytes(StandardCharsets.UTF_8), message);
        Delivered atB = devicesB.delivered.poll(10, TimeUnit.SECONDS);
        assertNotNull(atB);
        assertEquals(9, atB.userId());
        assertArrayEquals(new byte[] {'y'}, atB.body());
    }
}
