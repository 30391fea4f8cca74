package io.parley.groups.internal;

import io.parley.api.account.AccountService;
import io.parley.api.group.GroupService;
import io.parley.api.message.MessageService;
import io.parley.protocol.Types;
import io.parley.testkit.Configs;
import io.parley.testkit.Kit;
import io.parley.testkit.MemoryStores;

/** The groups bundle's handlers on in-memory stores, friends-only as by default. */
public final class GroupsKit extends Kit {

    private final GroupDirectory directory;

    public GroupsKit(MemoryStores stores, MessageService messages, AccountService accounts) {
        GroupsConfiguration config = Configs.defaults(GroupsConfiguration.class);
        directory = component(new GroupDirectory(config, stores.groups(), messages, accounts,
                new FriendshipPolicy(Configs.defaults(FriendshipPolicy.Configuration.class))));
        handler(Types.GROUP_CREATE, new GroupCreateHandler(directory));
        handler(Types.GROUP_ADD, new GroupAddHandler(directory));
        handler(Types.GROUP_REMOVE, new GroupRemoveHandler(directory));
        handler(Types.GROUP_LEAVE, new GroupLeaveHandler(directory));
        handler(Types.GROUP_DISSOLVE, new GroupDissolveHandler(directory));
        handler(Types.GROUP_INFO, new GroupInfoHandler(directory));
        handler(Types.GROUP_LIST, new GroupListHandler(directory));
        handler(Types.GROUP_SEND, new GroupSendHandler(config, directory));
    }

    public GroupService groups() {
        return directory;
    }

    @Override
    public void close() {
        directory.deactivate();
    }
}
