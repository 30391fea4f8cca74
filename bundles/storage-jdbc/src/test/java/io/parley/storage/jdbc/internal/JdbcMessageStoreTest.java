package io.parley.storage.jdbc.internal;

import io.parley.api.store.MessageStore;

/** The message store contract on the JDBC store itself. */
class JdbcMessageStoreTest extends MessageStoreContract {

    @Override
    protected MessageStore decorate(MessageStore jdbc) {
        return jdbc;
    }
}
