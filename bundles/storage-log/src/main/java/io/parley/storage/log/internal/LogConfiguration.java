package io.parley.storage.log.internal;

import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;

@ObjectClassDefinition(name = "Parley message log",
        description = "Messages, inboxes and cursors in an append-only file: the embedded single-node default")
@interface LogConfiguration {

    @AttributeDefinition(description = "The folder of the log file; relative paths start at the server's folder")
    String directory() default "data/messages";

    @AttributeDefinition(description = "Sync each write to the disk before answering, so that an acknowledged "
            + "message survives a power loss, not only a crash of the process")
    boolean fsync() default true;

    @AttributeDefinition(description = "Milliseconds an ack written alone may wait for its sync: acks are synced "
            + "with the next message's write, or after this long when none comes. A power loss within it makes those "
            + "entries arrive once more (clients drop a seq they hold); a crash of the process loses nothing")
    int ackSyncMs() default 20;

    @AttributeDefinition(description = "Appends and acks that may wait for the writer; beyond, requests answer "
            + "UNAVAILABLE until the disk catches up. Applies at the next start")
    int maxQueuedWrites() default 65536;

    @AttributeDefinition(description = "Size of a segment file of the log, in MiB (1 to 1024): a new one starts "
            + "when the last reaches it, and only segments before the last are compacted")
    int segmentMegabytes() default 64;

    @AttributeDefinition(description = "Seconds between the background thread's looks at the log: a snapshot of "
            + "the index when the log has grown enough, then compaction of the old segments")
    int compactEverySeconds() default 60;

    @AttributeDefinition(description = "MiB per second the background thread writes (and reads back) snapshots and "
            + "compacted segments at, syncing every 8 MiB, so that the log's own syncs, which messages wait for, do "
            + "not wait behind it; 0 for no limit")
    int maintenanceMegabytesPerSecond() default 32;

    @AttributeDefinition(description = "A snapshot of the index is taken when the log has grown, since the last "
            + "one, by this percent of that snapshot's size (and by a segment at least): higher, fewer snapshots "
            + "(less background work beside the messages: writing and reading back a snapshot of millions of "
            + "messages takes seconds of disk and CPU) and more of the log read at start (at most this percent of "
            + "a snapshot, after it); at least 100")
    int snapshotGrowthPercent() default 400;

    @AttributeDefinition(description = "Percent of a segment's bytes that must be no longer needed (messages "
            + "taken by retention or erasure, acks) before compaction rewrites it")
    int compactMinDeadPercent() default 25;
}
