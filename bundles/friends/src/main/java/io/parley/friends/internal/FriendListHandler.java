package io.parley.friends.internal;

import io.parley.api.friend.FriendListRequest;
import io.parley.api.handler.ParleyType;
import io.parley.api.handler.Request;
import io.parley.api.handler.RequestHandler;
import io.parley.protocol.Types;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;

/** FRIEND_LIST: friends with their presence, requests received and requests sent. */
@Component
@ParleyType(Types.FRIEND_LIST)
public final class FriendListHandler implements RequestHandler {

    private final FriendBook book;

    @Activate
    public FriendListHandler(@Reference FriendBook book) {
        this.book = book;
    }

    @Override
    public Object handle(Request request) {
        long userId = request.requireSession().userId();
        return book.list(userId, request.body(FriendListRequest.class).after());
    }
}
