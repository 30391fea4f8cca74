package io.parley.testkit;

import io.parley.testkit.contract.TokenStoreContract;
import java.nio.file.Path;
import java.util.List;

/** The memory store keeps the token store contract. */
class MemoryTokenStoreContractTest extends TokenStoreContract {

    static List<String> backends() {
        return List.of("memory");
    }

    @Override
    protected Subject open(String backend, Path dir) {
        MemoryStores stores = new MemoryStores();
        return new Subject(stores.tokens(), stores.account("alice"), stores.account("bob"), () -> { });
    }
}
