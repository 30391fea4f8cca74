package io.parley.storage.jdbc.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** Nodes that start at the same time against one new MariaDB database all come up on one full schema. */
class ConcurrentMigrationTest {

    private static final int NODES = 4;

    private static long listedScripts() throws java.io.IOException {
        try (var in = ConcurrentMigrationTest.class.getClassLoader().getResourceAsStream("db/migration/index.txt")) {
            return new String(in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8).lines()
                    .filter(l -> !l.isBlank()).count();
        }
    }

    @Test
    void nodesStartingTogetherMigrateOnceAndAllStart() throws Exception {
        String name = TestDatabases.freshMariaDb();
        ExecutorService pool = Executors.newFixedThreadPool(NODES);
        List<JdbcDatabase> nodes = new ArrayList<>();
        try {
            CountDownLatch go = new CountDownLatch(1);
            List<Future<JdbcDatabase>> starting = new ArrayList<>();
            for (int i = 0; i < NODES; i++) {
                starting.add(pool.submit(() -> {
                    go.await();
                    return new JdbcDatabase("jdbc:mysql://127.0.0.1:3306/" + name, "root", "", 2, 10000);
                }));
            }
            go.countDown();
            for (Future<JdbcDatabase> node : starting) {
                nodes.add(node.get(120, TimeUnit.SECONDS));
            }
            long scripts = nodes.get(0).call(c -> {
                try (Statement s = c.createStatement();
                        ResultSet rs = s.executeQuery("SELECT COUNT(*), MAX(version) FROM parley_schema")) {
                    rs.next();
                    assertEquals(rs.getInt(1), rs.getInt(2), "each script recorded once");
                    return (long) rs.getInt(1);
                }
            });
            assertEquals(listedScripts(), scripts, "every listed script applied");
            // Every node can use the schema.
            for (JdbcDatabase node : nodes) {
                new JdbcAccountStore(node).create("n" + System.nanoTime(), "h", "", 1).orElseThrow();
            }
        } finally {
            nodes.forEach(JdbcDatabase::close);
            pool.shutdownNow();
            TestDatabases.root("DROP DATABASE IF EXISTS " + name);
        }
    }
}
