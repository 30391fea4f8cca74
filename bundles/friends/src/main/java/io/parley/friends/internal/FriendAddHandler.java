package io.parley.friends.internal;

import io.parley.api.friend.FriendAddRequest;
import io.parley.api.handler.ParleyType;
import io.parley.api.handler.Request;
import io.parley.api.handler.RequestHandler;
import io.parley.api.session.Session;
import io.parley.protocol.Types;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;

/** FRIEND_ADD: asks another user to be friends; if that user had asked already, they are friends at once. */
@Component
@ParleyType(Types.FRIEND_ADD)
public final class FriendAddHandler implements RequestHandler {

    private final FriendBook book;

    @Activate
    public FriendAddHandler(@Reference FriendBook book) {
        this.book = book;
    }

    @Override
    public Object handle(Request request) {
        Session session = request.requireSession();
        FriendAddRequest body = request.body(FriendAddRequest.class);
        return book.add(session, body.username(), body.note());
    }
}
