package io.parley.messaging.internal;

import io.parley.api.ParleyException;
import io.parley.api.handler.Empty;
import io.parley.api.handler.ParleyType;
import io.parley.api.handler.Request;
import io.parley.api.handler.RequestHandler;
import io.parley.api.message.AckRequest;
import io.parley.api.session.Session;
import io.parley.protocol.Types;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;

/** MSG_ACK: moves this device's cursor forward; a seq beyond the newest entry is refused. */
@Component
@ParleyType(Types.MSG_ACK)
public final class MsgAckHandler implements RequestHandler {

    private final ChosenMessageStore store;

    @Activate
    public MsgAckHandler(@Reference ChosenMessageStore store) {
        this.store = store;
    }

    @Override
    public Object handle(Request request) {
        Session session = request.requireSession();
        long seq = request.body(AckRequest.class).seq();
        if (seq < 0) {
            throw ParleyException.badRequest("'seq' must be 0 or more.");
        }
        long newest = store.lastSeq(session.userId());
        if (seq > newest) {
            throw ParleyException.badRequest("'seq' " + seq + " is beyond the newest entry, " + newest + ".");
        }
        store.ack(session.userId(), session.device(), seq);
        return Empty.INSTANCE;
    }

    /** An ack is two cursor operations: with cursors in memory, it is answered on the network thread. */
    @Override
    public boolean nonBlocking() {
        return store.cursorsInMemory();
    }
}
