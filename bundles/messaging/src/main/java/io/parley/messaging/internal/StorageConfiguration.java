package io.parley.messaging.internal;

import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;
import org.osgi.service.metatype.annotations.Option;

@ObjectClassDefinition(name = "Parley storage", description = "Which store keeps messages, inboxes and cursors: "
        + "the one switch, read by the one component that hands the store to messaging")
@interface StorageConfiguration {

    @AttributeDefinition(description = "Where messages, inboxes and device cursors live: the embedded message log "
            + "(io.parley.storage.log.cfg says where), or the database of io.parley.storage.jdbc.cfg",
            options = {@Option(value = "log"), @Option(value = "jdbc")})
    String messages() default "log";

    @AttributeDefinition(description = "A cache in front of the database's inboxes and cursors: none, or Redis "
            + "(io.parley.storage.redis.cfg says where); only with messages=jdbc",
            options = {@Option(value = "none"), @Option(value = "redis")})
    String cache() default "none";

    @AttributeDefinition(description = "Retention: messages older than this many days are deleted, with their inbox "
            + "entries, by a sweep in the background; 0 keeps every message forever (the default: many "
            + "jurisdictions require stored messages for audit)")
    int retentionDays() default 0;

    @AttributeDefinition(description = "Minutes between two retention sweeps (the first runs a minute after start)")
    int retentionSweepMinutes() default 60;

    @AttributeDefinition(description = "Milliseconds a message request waits for the chosen store while it restarts "
            + "(its bundle updated, its configuration changed) before answering UNAVAILABLE; 0 answers at once")
    long storeWaitMs() default 2000;
}
