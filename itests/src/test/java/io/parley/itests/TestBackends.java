package io.parley.itests;

import static org.ops4j.pax.exam.CoreOptions.composite;
import static org.ops4j.pax.exam.cm.ConfigurationAdminOptions.newConfiguration;

import io.parley.testkit.exam.ParleyTestSupport;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.concurrent.ThreadLocalRandom;
import org.ops4j.pax.exam.Option;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.exceptions.JedisException;

/**
 * MariaDB (127.0.0.1:3306, root) and Redis (127.0.0.1:6379) for the tests that run Parley on them: a fresh
 * database and a flushed Redis index per test class. Classes that need them run with
 * {@link IfBackendsReachable}.
 */
final class TestBackends {

    private TestBackends() {
    }

    /** Creates an empty utf8mb4 database and returns its JDBC URL. */
    static String freshMariaDb() throws SQLException {
        String name = "parley_it" + Long.toString(ThreadLocalRandom.current().nextLong() & Long.MAX_VALUE, 36);
        try (Connection c = DriverManager.getConnection("jdbc:mysql://127.0.0.1:3306/?user=root&password=");
                Statement s = c.createStatement()) {
            s.execute("CREATE DATABASE " + name + " CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci");
        }
        return "jdbc:mysql://127.0.0.1:3306/" + name;
    }

    /** Drops a database made by {@link #freshMariaDb}. */
    static void dropMariaDb(String url) throws SQLException {
        String name = url.substring(url.lastIndexOf('/') + 1);
        try (Connection c = DriverManager.getConnection("jdbc:mysql://127.0.0.1:3306/?user=root&password=");
                Statement s = c.createStatement()) {
            s.execute("DROP DATABASE IF EXISTS " + name);
        }
    }

    /** Empties a Redis database index. */
    static void flushRedis(int database) {
        try (Jedis jedis = new Jedis("127.0.0.1", 6379)) {
            jedis.select(database);
            jedis.flushDB();
        }
    }

    /** What is missing, or null when MariaDB and Redis both answer. */
    static String unreachable() {
        try (Connection c = DriverManager.getConnection("jdbc:mysql://127.0.0.1:3306/?user=root&password=")) {
            c.isValid(2);
        } catch (SQLException e) {
            return "MariaDB at 127.0.0.1:3306 is not reachable (" + e.getMessage() + ")";
        }
        try (Jedis jedis = new Jedis("127.0.0.1", 6379)) {
            jedis.ping();
        } catch (JedisException e) {
            return "Redis at 127.0.0.1:6379 is not reachable (" + e.getMessage() + ")";
        }
        return null;
    }

    /** Parley on a fresh MariaDB database and a flushed Redis index, as configuration. */
    static Option mariaDbAndRedis(int redisDatabase) throws SQLException {
        String url = freshMariaDb();
        flushRedis(redisDatabase);
        return composite(
                ParleyTestSupport.messagesIn("jdbc", "redis"),
                newConfiguration("io.parley.storage.jdbc").put("url", url).put("user", "root").put("password", "")
                        .asOption(),
                newConfiguration("io.parley.storage.redis").put("database", Integer.toString(redisDatabase))
                        .put("presenceTtlSeconds", "10").asOption());
    }
}
