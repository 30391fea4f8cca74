package io.parley.itests;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;
import static org.ops4j.pax.exam.CoreOptions.systemProperty;
import static org.ops4j.pax.exam.cm.ConfigurationAdminOptions.newConfiguration;

import io.parley.api.message.InboxEntry;
import io.parley.client.ParleyClient;
import io.parley.protocol.Status;
import io.parley.testkit.exam.ParleyTestSupport;
import java.time.Duration;
import java.util.Hashtable;
import java.util.List;
import javax.inject.Inject;
import org.junit.Test;
import org.junit.runner.RunWith;
import org.ops4j.pax.exam.Option;
import org.ops4j.pax.exam.spi.reactors.ExamReactorStrategy;
import org.ops4j.pax.exam.spi.reactors.PerClass;
import org.osgi.service.cm.Configuration;
import org.osgi.service.cm.ConfigurationAdmin;

/** From the embedded H2 to MariaDB and Redis and back, by configuration alone, while the server runs. */
@RunWith(IfBackendsReachable.class)
@ExamReactorStrategy(PerClass.class)
public class StorageSwitchIT extends ParleyTestSupport {

    private static final int REDIS_DATABASE = 11;

    @Inject
    private ConfigurationAdmin configurationAdmin;

    @Override
    protected Option[] extraOptions() {
        String mariaDb;
        try {
            mariaDb = TestBackends.freshMariaDb();
        } catch (java.sql.SQLException e) {
            throw new IllegalStateException("MariaDB at 127.0.0.1:3306: " + e.getMessage(), e);
        }
        TestBackends.flushRedis(REDIS_DATABASE);
        return new Option[] {
            systemProperty("parley.test.mariadb").value(mariaDb),
            newConfiguration("io.parley.messaging").put("requireFriendship", "false").asOption()};
    }

    /** H2 alone to start with: this test switches between the database and Redis (MessageLogIT: the log). */
    @Override
    protected Option storage(java.io.File data) {
        return h2(data);
    }

    @Test
    public void switchesToMariaDbAndRedisAndBackWhileRunning() throws Exception {
        awaitServer();
        ParleyClient c = client();
        await(c.register("on_h2", PASSWORD, null));
        assertEquals("jdbc", store());

        Configuration jdbc = configurationAdmin.getConfiguration("io.parley.storage.jdbc", "?");
        Hashtable<String, Object> mysql = new Hashtable<>();
        mysql.put("url", System.getProperty("parley.test.mariadb"));
        mysql.put("user", "root");
        mysql.put("password", "");
        jdbc.update(mysql);
        Configuration redis = configurationAdmin.getConfiguration("io.parley.storage.redis", "?");
        Hashtable<String, Object> redisProps = new Hashtable<>();
        redisProps.put("database", Integer.toString(REDIS_DATABASE));
        redis.update(redisProps);
        Configuration storage = configurationAdmin.getConfiguration("io.parley.storage", "?");
        Hashtable<String, Object> cached = new Hashtable<>();
        cached.put("messages", "jdbc");
        cached.put("cache", "redis");
        storage.update(cached);

        awaitTrue("the Redis stores and presence to take over", Duration.ofSeconds(30), () -> "redis".equals(store())
                && "redis".equals(tokenStore()) && presenceShared());
        whenReady(() -> c.register("on_mariadb", PASSWORD, null));
        whenReady(() -> c.register("on_mariadb2", PASSWORD, null));
        ParleyClient a = client();
        loginWhenReady(a, "on_mariadb", PASSWORD, "pc");
        assertEquals("the new database does not have the H2 user", Status.NOT_FOUND,
                failure(a.profile("on_h2")).status());
        whenReady(() -> a.sendMessage("on_mariadb2", "via redis 😀", "s1"));
        ParleyClient b = client();
        loginWhenReady(b, "on_mariadb2", PASSWORD, "pc");
        List<InboxEntry> inbox = await(b.pull(0, null)).messages();
        assertEquals("via redis 😀", inbox.get(0).text());
        assertTrue("presence answers from Redis", await(b.profile("on_mariadb2")).online());

        Hashtable<String, Object> uncached = new Hashtable<>();
        uncached.put("messages", "jdbc");
        uncached.put("cache", "none");
        storage.update(uncached);
        redis.delete();
        awaitTrue("the database store to serve alone", Duration.ofSeconds(30), () -> "jdbc".equals(store())
                && "jdbc".equals(tokenStore()) && !presenceShared());
        ParleyClient again = client();
        loginWhenReady(again, "on_mariadb2", PASSWORD, "ios");
        assertEquals("the messages are in the database", "via redis 😀", await(again.pull(0, null)).messages().get(0).text());
    }
}
