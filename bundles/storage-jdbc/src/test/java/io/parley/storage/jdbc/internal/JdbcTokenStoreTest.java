package io.parley.storage.jdbc.internal;

import io.parley.testkit.contract.TokenStoreContract;
import java.nio.file.Path;
import java.util.stream.Stream;

/** The token store contract on the JDBC store, on H2 and on MariaDB. */
class JdbcTokenStoreTest extends TokenStoreContract {

    static Stream<String> backends() {
        return TestDatabases.all();
    }

    @Override
    protected Subject open(String backend, Path dir) {
        TestDatabases.Opened opened = TestDatabases.open(backend, dir);
        return new Subject(new JdbcTokenStore(opened.db()), opened.account("alice"), opened.account("bob"),
                opened);
    }
}
