package io.parley.itests;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;
import static org.ops4j.pax.exam.cm.ConfigurationAdminOptions.newConfiguration;

import io.parley.api.message.InboxEntry;
import io.parley.client.ParleyClient;
import io.parley.testkit.exam.ParleyTestSupport;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Hashtable;
import java.util.List;
import javax.inject.Inject;
import org.junit.Test;
import org.junit.runner.RunWith;
import org.ops4j.pax.exam.Option;
import org.ops4j.pax.exam.spi.reactors.ExamReactorStrategy;
import org.ops4j.pax.exam.spi.reactors.PerClass;
import org.osgi.service.cm.ConfigurationAdmin;

/**
 * Turning Redis on beside the message log (copying io.parley.storage.redis.cfg into etc/) used to move messages
 * to the database behind Redis: the log's messages vanished from their receivers' inboxes and msgIds started
 * again at 1. Messages now stay where etc/io.parley.storage.cfg says.
 */
@RunWith(IfBackendsReachable.class)
@ExamReactorStrategy(PerClass.class)
public class RedisBesideTheLogIT extends ParleyTestSupport {

    private static final int REDIS_DATABASE = 13;

    @Inject
    private ConfigurationAdmin configurationAdmin;

    @Override
    protected Option[] extraOptions() {
        TestBackends.flushRedis(REDIS_DATABASE);
        return new Option[] {newConfiguration("io.parley.messaging").put("requireFriendship", "false").asOption()};
    }

    @Test
    public void messagesStayInTheLogWhenRedisIsConfigured() throws Exception {
        awaitServer();
        String from = registered("rl-a");
        String to = registered("rl-b");
        ParleyClient a = client();
        await(a.login(from, PASSWORD, "pc"));
        List<Long> msgIds = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            msgIds.add(await(a.sendMessage(to, "before " + i, "b" + i)).msgId());
        }

        Hashtable<String, Object> redis = new Hashtable<>();
        redis.put("database", Integer.toString(REDIS_DATABASE));
        configurationAdmin.getConfiguration("io.parley.storage.redis", "?").update(redis);
        awaitTrue("presence to be shared through Redis", Duration.ofSeconds(30), this::presenceShared);
        assertEquals("log", store());
        assertEquals("cache=none: tokens stay in the database, whatever else Redis does", "jdbc", tokenStore());

        long after = whenReady(() -> a.sendMessage(to, "after", "a1")).msgId();
        assertTrue("msgIds go on from the log's: " + after + " after " + msgIds, after > msgIds.get(19));
        // Redis's token store takes over from the database's, which restarts the accounts components for a
        // moment (issue 16: rebind instead).
        ParleyClient b = client();
        loginWhenReady(b, to, PASSWORD, "pc");
        List<String> texts = whenReady(() -> b.pull(0, null)).messages().stream().map(InboxEntry::text).toList();
        List<String> expected = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            expected.add("before " + i);
        }
        expected.add("after");
        assertEquals(expected, texts);
    }
}
