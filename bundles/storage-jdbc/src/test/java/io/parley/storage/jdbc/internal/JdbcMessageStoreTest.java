package io.parley.storage.jdbc.internal;

import io.parley.testkit.contract.MessageStoreContract;
import java.nio.file.Path;
import java.util.stream.Stream;

/** The message store contract on the JDBC store itself, on H2 and on MariaDB. */
class JdbcMessageStoreTest extends MessageStoreContract {

    static Stream<String> backends() {
        return TestDatabases.all();
    }

    @Override
    protected Subject open(String backend, Path dir) {
        TestDatabases.Opened opened = TestDatabases.open(backend, dir);
        JdbcAccountStore accounts = new JdbcAccountStore(opened.db());
        return new Subject(new JdbcMessageStore(opened.db()), accounts.create("alice", "h", "", 1).orElseThrow(),
                accounts.create("bob", "h", "", 1).orElseThrow(), accounts.create("carol", "h", "", 1).orElseThrow(),
                opened);
    }
}
