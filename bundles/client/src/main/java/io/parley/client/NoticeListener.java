package io.parley.client;

/** Receives notices. Called on the client's network thread: hand long work to an executor of your own. */
@FunctionalInterface
public interface NoticeListener {
    void onNotice(Notice notice);
}
