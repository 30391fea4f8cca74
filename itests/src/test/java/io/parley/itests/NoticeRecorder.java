package io.parley.itests;

import static org.junit.Assert.assertNull;
import static org.junit.Assert.fail;

import com.google.gson.JsonObject;
import io.parley.client.Notice;
import io.parley.client.NoticeListener;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/** Collects the notices of one connection so a test can wait for the next one of a type. */
final class NoticeRecorder implements NoticeListener {

    private final LinkedBlockingQueue<Notice> notices = new LinkedBlockingQueue<>();

    @Override
    public void onNotice(Notice notice) {
        notices.add(notice);
    }

    /** The next notice of the type, skipping others; fails after 10 s. */
    JsonObject next(int type) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (System.nanoTime() < deadline) {
            Notice n = notices.poll(100, TimeUnit.MILLISECONDS);
            if (n != null && n.type() == type) {
                return n.json();
            }
        }
        fail("no notice of type " + type + " within 10 s");
        return null;
    }

    /** Asserts no notice of the type arrives within the time given. */
    void none(int type, long millis) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(millis);
        while (System.nanoTime() < deadline) {
            Notice n = notices.poll(20, TimeUnit.MILLISECONDS);
            if (n != null && n.type() == type) {
                assertNull("unexpected notice", n);
            }
        }
    }
}
