package io.parley.friends.internal;

import io.parley.api.account.AccountService;
import io.parley.api.friend.FriendService;
import io.parley.api.session.PresenceService;
import io.parley.api.session.PushService;
import io.parley.protocol.Types;
import io.parley.testkit.Kit;
import io.parley.testkit.MemoryStores;

/** The friends bundle's handlers on in-memory stores. */
public final class FriendsKit extends Kit {

    private final FriendBook book;

    public FriendsKit(MemoryStores stores, AccountService accounts, PushService push, PresenceService presence) {
        book = component(new FriendBook(stores.friends(), accounts, push, presence, System::currentTimeMillis));
        handler(Types.FRIEND_ADD, new FriendAddHandler(book));
        handler(Types.FRIEND_ACCEPT, new FriendAcceptHandler(book));
        handler(Types.FRIEND_REJECT, new FriendRejectHandler(book));
        handler(Types.FRIEND_REMOVE, new FriendRemoveHandler(book));
        handler(Types.FRIEND_LIST, new FriendListHandler(book));
    }

    public FriendService friends() {
        return book;
    }
}
