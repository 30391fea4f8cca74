package io.parley.storage.redis.internal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.parley.api.session.NoticeSink;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.osgi.framework.ServiceReference;
import org.osgi.service.component.ComponentServiceObjects;

/** Two nodes on one Redis: each delivers the other's notices to its devices, and never its own. */
class RedisNoticeBusTest {

    private record Delivered(long userId, int type, byte[] body) {
    }

    private record Ended(long userId, String device, boolean allOthers, String reason) {
    }

    /** A node's devices: records what the bus delivers. */
    private static final class RecordingSink implements NoticeSink {
        final BlockingQueue<Delivered> delivered = new LinkedBlockingQueue<>();
        final BlockingQueue<Ended> ended = new LinkedBlockingQueue<>();

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
    private RedisNoticeBus busA;
    private RedisNoticeBus busB;
    private final RecordingSink devicesA = new RecordingSink();
    private final RecordingSink devicesB = new RecordingSink();

    @AfterEach
    void close() {
        for (RedisNoticeBus bus : new RedisNoticeBus[] {busA, busB}) {
            if (bus != null) {
                bus.close();
            }
        }
        for (RedisConnection c : new RedisConnection[] {redisA, redisB}) {
            if (c != null) {
                c.close();
            }
        }
    }

    private void start() throws InterruptedException {
        redisA = TestRedis.connect(1000, 60, "node-a");
        redisB = new RedisConnection("127.0.0.1", 6379, TestRedis.DATABASE, "", 2000, 4, 1000, 60, "node-b");
        busA = new RedisNoticeBus(redisA, objects(devicesA));
        busB = new RedisNoticeBus(redisB, objects(devicesB));
        assertTrue(busA.awaitSubscribed(10, TimeUnit.SECONDS));
        assertTrue(busB.awaitSubscribed(10, TimeUnit.SECONDS));
    }

    @Test
    void aNoticeReachesTheOtherNodeOnlyAndArrivesWhole() throws Exception {
        start();
        byte[] body = "{\"seq\":7,\"text\":\"héllo 😀\"}".getBytes(StandardCharsets.UTF_8);
        busA.publish(42, 21, body);
        Delivered atB = devicesB.delivered.poll(10, TimeUnit.SECONDS);
        assertNotNull(atB, "node B got node A's notice");
        assertEquals(42, atB.userId());
        assertEquals(21, atB.type());
        assertArrayEquals(body, atB.body());

        // Redis delivers one channel's messages in the order it took them: once A holds B's later notice,
        // A's own earlier one would have come first had it not been dropped.
        busB.publish(43, 22, new byte[0]);
        Delivered atA = devicesA.delivered.poll(10, TimeUnit.SECONDS);
        assertNotNull(atA, "node A got node B's notice");
        assertEquals(43, atA.userId());
        assertTrue(devicesA.delivered.isEmpty() && devicesB.delivered.isEmpty(), "nobody got its own notice");
    }

    @Test
    void requestsToEndSessionsReachTheOtherNodeWithTheirDeviceAndReason() throws Exception {
        start();
        busA.publishEndSessions(7, "phone", false, "Logged in again on the same device.");
        assertEquals(new Ended(7, "phone", false, "Logged in again on the same device."),
                devicesB.ended.poll(10, TimeUnit.SECONDS));
        busA.publishEndSessions(7, null, true, "The password was changed; log in again.");
        assertEquals(new Ended(7, null, true, "The password was changed; log in again."),
                devicesB.ended.poll(10, TimeUnit.SECONDS));
        busB.publishEndSessions(8, "pc", true, "é");
        assertEquals(new Ended(8, "pc", true, "é"), devicesA.ended.poll(10, TimeUnit.SECONDS));
        assertTrue(devicesA.ended.isEmpty() && devicesB.ended.isEmpty(), "nobody ended its own sessions");
    }

    @Test
    void aMalformedMessageOnTheChannelIsDroppedAndTheBusCarriesOn() throws Exception {
        start();
        redisA.redis.publish(("parley:notices:" + TestRedis.DATABASE).getBytes(StandardCharsets.UTF_8), new byte[] {9});
        busA.publish(5, 21, new byte[] {'x'});
        Delivered atB = devicesB.delivered.poll(10, TimeUnit.SECONDS);
        assertNotNull(atB);
        assertEquals(5, atB.userId());
    }
}
