package io.parley.storage.log.internal;

import io.parley.testkit.contract.MessageStoreContract;
import java.nio.file.Path;
import java.util.List;

/** The message store contract on the message log. */
class LogMessageStoreContractTest extends MessageStoreContract {

    static List<String> backends() {
        return List.of("log");
    }

    @Override
    protected Subject open(String backend, Path dir) {
        LogMessageStore log = new LogMessageStore(dir.resolve("log"), true);
        return new Subject(log, 1, 2, 3, log::close);
    }
}
