package io.parley.itests;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;

import java.io.File;
import java.sql.SQLException;
import java.time.Duration;
import javax.inject.Inject;
import org.junit.Test;
import org.osgi.service.cm.ConfigurationAdmin;
import org.junit.runner.RunWith;
import org.ops4j.pax.exam.Option;
import org.ops4j.pax.exam.spi.reactors.ExamReactorStrategy;
import org.ops4j.pax.exam.spi.reactors.PerClass;

/** The messaging integration tests, unchanged, on MariaDB with the Redis fast inbox, tokens and presence. */
@RunWith(IfBackendsReachable.class)
@ExamReactorStrategy(PerClass.class)
public class MessagingOnMariaDbRedisIT extends MessagingIT {

    @Override
    protected Option storage(File data) {
        try {
            return TestBackends.mariaDbAndRedis(12);
        } catch (SQLException e) {
            throw new IllegalStateException("MariaDB at 127.0.0.1:3306: " + e.getMessage(), e);
        }
    }

    @Test
    public void theRedisAndMariaDbStoresAreTheOnesServing() throws Exception {
        awaitTrue("the Redis message store to serve", Duration.ofSeconds(10), () -> "redis".equals(store()));
        awaitTrue("tokens to be kept in Redis", Duration.ofSeconds(10), () -> "redis".equals(tokenStore()));
        awaitTrue("presence to be shared through Redis", Duration.ofSeconds(10), this::presenceShared);
        assertTrue(String.valueOf(configurationAdmin.getConfiguration("io.parley.storage.jdbc", "?")
                .getProperties().get("url")).startsWith("jdbc:mysql:"));
    }

    @Inject
    private ConfigurationAdmin configurationAdmin;
}
