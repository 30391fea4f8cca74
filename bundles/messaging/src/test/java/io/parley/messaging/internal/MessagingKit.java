package io.parley.messaging.internal;

import io.parley.api.account.AccountService;
import io.parley.api.message.MessageService;
import io.parley.api.serialization.Serializer;
import io.parley.api.session.PushService;
import io.parley.protocol.Types;
import io.parley.testkit.Configs;
import io.parley.testkit.Kit;
import io.parley.testkit.MemoryStores;
import java.util.Map;

/** The messaging bundle's handlers on the in-memory message store, chosen as the log would be. */
public final class MessagingKit extends Kit {

    private final ChosenMessageStore store;
    private final StoreFirstMessageService messages;

    public MessagingKit(MemoryStores stores, PushService push, Serializer serializer, AccountService accounts) {
        store = component(new ChosenMessageStore(Configs.defaults(StorageConfiguration.class),
                (org.osgi.framework.Bundle) null));
        store.addStore(stores.messages(), Map.of("parley.store", "log"));
        messages = component(new StoreFirstMessageService(store, push, serializer, System::currentTimeMillis));
        MessagingConfiguration config = Configs.defaults(MessagingConfiguration.class);
        handler(Types.MSG_SEND, new MsgSendHandler(config, messages, accounts));
        handler(Types.MSG_PULL, new MsgPullHandler(config, store, messages));
        handler(Types.MSG_ACK, new MsgAckHandler(store));
        handler(Types.HISTORY, new HistoryHandler(config, store, accounts));
    }

    public MessageService messages() {
        return messages;
    }

    @Override
    public void close() {
        store.deactivate();
    }
}
