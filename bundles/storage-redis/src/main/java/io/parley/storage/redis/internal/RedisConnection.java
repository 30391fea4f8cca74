package io.parley.storage.redis.internal;

import java.util.UUID;
import org.apache.commons.pool2.impl.GenericObjectPoolConfig;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.metatype.annotations.Designate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import redis.clients.jedis.Connection;
import redis.clients.jedis.DefaultJedisClientConfig;
import redis.clients.jedis.HostAndPort;
import redis.clients.jedis.JedisPooled;

/** The pooled Redis client and the settings the Redis stores share. Exists only while configured. */
@Component(service = RedisConnection.class, configurationPid = "io.parley.storage.redis",
        configurationPolicy = ConfigurationPolicy.REQUIRE)
@Designate(ocd = RedisConfiguration.class)
public final class RedisConnection {

    private static final Logger LOG = LoggerFactory.getLogger(RedisConnection.class);

    final JedisPooled redis;
    final int inboxKeep;
    final int presenceTtlSeconds;
    final String nodeId;
    /** The database index: pub/sub channels are server-wide, so their names carry it. */
    final int database;

    @Activate
    public RedisConnection(RedisConfiguration config) {
        this(config.host(), config.port(), config.database(), config.password(), config.timeoutMs(), config.poolSize(),
                config.inboxKeep(), config.presenceTtlSeconds(), config.nodeId());
    }

    /** Outside OSGi (tests, tools). */
    public RedisConnection(String host, int port, int database, String password, int timeoutMs, int poolSize,
            int inboxKeep, int presenceTtlSeconds, String nodeId) {
        GenericObjectPoolConfig<Connection> pool = new GenericObjectPoolConfig<>();
        pool.setMaxTotal(poolSize);
        pool.setMaxIdle(poolSize);
        pool.setTestWhileIdle(true);
        DefaultJedisClientConfig.Builder client = DefaultJedisClientConfig.builder()
                .database(database)
                .timeoutMillis(timeoutMs)
                .clientName("parley");
        if (!password.isEmpty()) {
            client.password(password);
        }
        this.redis = new JedisPooled(pool, new HostAndPort(host, port), client.build());
        this.inboxKeep = inboxKeep;
        this.presenceTtlSeconds = presenceTtlSeconds;
        this.nodeId = nodeId.isEmpty() ? UUID.randomUUID().toString().substring(0, 8) : nodeId;
        this.database = database;
        LOG.info("Redis storage on {}:{} database {} (node {})", host, port, database, this.nodeId);
    }

    @Deactivate
    public void close() {
        redis.close();
    }
}
