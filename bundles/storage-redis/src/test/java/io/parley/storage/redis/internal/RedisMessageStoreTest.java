package io.parley.storage.redis.internal;

import io.parley.storage.jdbc.internal.JdbcMessageStore;
import io.parley.storage.jdbc.internal.TestDatabases;
import io.parley.testkit.contract.MessageStoreContract;
import java.nio.file.Path;
import java.util.stream.Stream;

/** The message store contract through the Redis fast inbox, in front of H2 and of MariaDB. */
class RedisMessageStoreTest extends MessageStoreContract {

    static Stream<String> backends() {
        return TestDatabases.all();
    }

    @Override
    protected Subject open(String backend, Path dir) {
        TestDatabases.Opened opened = TestDatabases.open(backend, dir);
        RedisConnection redis = TestRedis.connect(1000, 60, "test");
        return new Subject(new RedisMessageStore(new JdbcMessageStore(opened.db()), redis), opened.account("alice"),
                opened.account("bob"), opened.account("carol"), () -> {
                    redis.close();
                    opened.close();
                });
    }
}
