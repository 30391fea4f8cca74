package io.parley.transport.internal;

import io.netty.channel.Channel;
import io.netty.util.AttributeKey;

/**
 * Which thread is answering a request of a channel right now. A notice written to that channel by that same
 * thread while it answers (the sender's own MSG_NOTIFY, pushed from the messaging bundle) is written without
 * a flush: the answer that follows flushes both in one write. The {@link Dispatcher} marks the channel while it
 * answers; {@link DeviceNotices} asks before it writes a notice.
 */
final class Answering {

    private static final AttributeKey<Thread> BY = AttributeKey.valueOf(Answering.class, "by");

    private Answering() {
    }

    static void begin(Channel channel) {
        channel.attr(BY).set(Thread.currentThread());
    }

    static void end(Channel channel) {
        channel.attr(BY).compareAndSet(Thread.currentThread(), null);
    }

    /** True when the calling thread is answering a request of this channel and will flush it afterwards. */
    static boolean byThisThread(Channel channel) {
        return channel.attr(BY).get() == Thread.currentThread();
    }
}
