package io.parley.storage.redis.internal;

import io.parley.storage.jdbc.internal.JdbcTokenStore;
import io.parley.storage.jdbc.internal.TestDatabases;
import io.parley.testkit.contract.TokenStoreContract;
import java.nio.file.Path;
import java.util.stream.Stream;

/** The token store contract through the Redis token cache, in front of H2 and of MariaDB. */
class RedisTokenStoreContractTest extends TokenStoreContract {

    static Stream<String> backends() {
        return TestDatabases.all();
    }

    @Override
    protected Subject open(String backend, Path dir) {
        TestDatabases.Opened opened = TestDatabases.open(backend, dir);
        RedisConnection redis = TestRedis.connect(1000, 60, "test");
        return new Subject(new RedisTokenStore(new JdbcTokenStore(opened.db()), redis), opened.account("alice"),
                opened.account("bob"), () -> {
                    redis.close();
                    opened.close();
                });
    }
}
