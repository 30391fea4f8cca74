package io.parley.testkit;

import io.parley.testkit.contract.MessageStoreContract;
import java.nio.file.Path;
import java.util.List;

/** The memory store keeps the message store contract, or tests built on it would prove nothing. */
class MemoryMessageStoreContractTest extends MessageStoreContract {

    static List<String> backends() {
        return List.of("memory");
    }

    @Override
    protected Subject open(String backend, Path dir) {
        MemoryStores stores = new MemoryStores();
        return new Subject(stores.messages(), stores.account("alice"), stores.account("bob"),
                stores.account("carol"), () -> { });
    }
}
