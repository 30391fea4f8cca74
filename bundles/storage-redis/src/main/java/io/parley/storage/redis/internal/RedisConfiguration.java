package io.parley.storage.redis.internal;

import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.AttributeType;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;

@ObjectClassDefinition(name = "Parley Redis storage")
@interface RedisConfiguration {

    String host() default "127.0.0.1";

    int port() default 6379;

    @AttributeDefinition(description = "Redis database index")
    int database() default 0;

    @AttributeDefinition(type = AttributeType.PASSWORD)
    String password() default "";

    @AttributeDefinition(description = "Connect and read timeout in milliseconds")
    int timeoutMs() default 2000;

    @AttributeDefinition(description = "Largest number of pooled connections")
    int poolSize() default 32;

    @AttributeDefinition(description = "Newest entries kept per user in the fast inbox; older ones are read from the database")
    int inboxKeep() default 1000;

    @AttributeDefinition(description = "Seconds a node's presence entries and notice routes live without being refreshed (a crashed node's users go "
            + "offline after this; notices for a user whose last device on a node left go there until then)")
    int presenceTtlSeconds() default 60;

    @AttributeDefinition(description = "This node's name in presence entries; empty for a random one")
    String nodeId() default "";
}
