package io.parley.storage.log.internal;

import io.parley.api.store.MessageStore;
import io.parley.storage.jdbc.internal.MessageStoreContract;
import org.junit.jupiter.api.AfterEach;

/**
 * The message store contract on the message log. The contract opens a database for the accounts the
 * messages refer to; the log itself needs none, so each backend runs the same log once more.
 */
class LogMessageStoreContractTest extends MessageStoreContract {

    private LogMessageStore log;

    @Override
    protected MessageStore decorate(MessageStore jdbc) {
        log = new LogMessageStore(dir.resolve("log"), true);
        return log;
    }

    @AfterEach
    void closeLog() {
        if (log != null) {
            log.close();
        }
    }
}
