package io.parley.friends.internal;

import io.parley.api.friend.FriendRequest;
import io.parley.api.handler.Empty;
import io.parley.api.handler.ParleyType;
import io.parley.api.handler.Request;
import io.parley.api.handler.RequestHandler;
import io.parley.api.session.Session;
import io.parley.protocol.Types;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;

/** FRIEND_ACCEPT: accepts a request the caller received. */
@Component
@ParleyType(Types.FRIEND_ACCEPT)
public final class FriendAcceptHandler implements RequestHandler {

    private final FriendBook book;

    @Activate
    public FriendAcceptHandler(@Reference FriendBook book) {
        this.book = book;
    }

    @Override
    public Object handle(Request request) {
        Session session = request.requireSession();
        FriendRequest body = request.body(FriendRequest.class);
        book.accept(session, body.username());
        return Empty.INSTANCE;
    }
}
