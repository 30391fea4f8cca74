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
        return new Subject(new JdbcMessageStore(opened.db()), opened.account("alice"), opened.account("bob"),
                opened.account("carol"), opened);
    }
}
