package io.parley.transport.internal;

import io.parley.api.handler.Request;
import io.parley.api.serialization.Payload;
import io.parley.api.session.Session;
import java.util.Optional;

/** A request as handed to a handler: its body, and the few things a handler may do to its connection. */
final class TransportRequest implements Request {

    private final ConnectionHandler connection;
    private final int type;
    private final String id;
    private final Payload payload;
    private boolean closeRequested;

    TransportRequest(ConnectionHandler connection, int type, String id, Payload payload) {
        this.connection = connection;
        this.type = type;
        this.id = id;
        this.payload = payload;
    }

    @Override
    public String id() {
        return id;
    }

    @Override
    public int type() {
        return type;
    }

    @Override
    public <T> T body(Class<T> bodyType) {
        return payload.as(bodyType);
    }

    @Override
    public Optional<Session> session() {
        return connection.loggedIn();
    }

    @Override
    public String remoteAddress() {
        return connection.remoteAddress();
    }

    @Override
    public void login(Session session) {
        connection.login(session);
    }

    @Override
    public void keep(Object value) {
        connection.keep(value);
    }

    @Override
    public Optional<Object> take() {
        return connection.take();
    }

    @Override
    public void closeAfterResponse() {
        closeRequested = true;
    }

    boolean closeRequested() {
        return closeRequested;
    }
}
