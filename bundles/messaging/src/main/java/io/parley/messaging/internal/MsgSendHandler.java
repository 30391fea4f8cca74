package io.parley.messaging.internal;

import io.parley.api.ParleyException;
import io.parley.api.account.AccountService;
import io.parley.api.account.UserRef;
import io.parley.api.friend.FriendService;
import io.parley.api.handler.ParleyType;
import io.parley.api.handler.Request;
import io.parley.api.handler.RequestHandler;
import io.parley.api.message.Delivery;
import io.parley.api.message.MessageChecks;
import io.parley.api.message.MessageFilter;
import io.parley.api.message.SendRequest;
import io.parley.api.message.SendResponse;
import io.parley.api.session.Session;
import io.parley.protocol.Types;
import java.util.List;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.osgi.service.component.annotations.ReferencePolicyOption;

/** MSG_SEND: checks who may message whom, then stores and delivers through the message service. */
@Component(configurationPid = "io.parley.messaging")
@ParleyType(Types.MSG_SEND)
public final class MsgSendHandler implements RequestHandler {

    private final MessagingConfiguration config;
    private final StoreFirstMessageService messages;
    private final AccountService accounts;

    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY)
    private volatile FriendService friends;

    /** The installed message filters (the content-filter feature), applied before anything is stored. */
    @Reference(cardinality = ReferenceCardinality.MULTIPLE, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY)
    private volatile List<MessageFilter> filters = List.of();

    @Activate
    public MsgSendHandler(MessagingConfiguration config, @Reference StoreFirstMessageService messages,
            @Reference AccountService accounts) {
        this.config = config;
        this.messages = messages;
        this.accounts = accounts;
    }

    @Override
    public Object handle(Request request) {
        Session session = request.requireSession();
        SendRequest body = request.body(SendRequest.class);
        MessageChecks.checkText(body.text(), config.maxTextLength());
        MessageChecks.checkCid(body.cid());
        UserRef to = accounts.findUser(body.to())
                .orElseThrow(() -> ParleyException.notFound("No user is called '" + body.to() + "'."));
        if (to.id() == session.userId()) {
            throw ParleyException.badRequest("You cannot send a message to yourself.");
        }
        if (config.requireFriendship()) {
            FriendService current = friends;
            if (current == null) {
                throw ParleyException.unavailable("Friendship cannot be checked right now; retry shortly.", null);
            }
            if (!current.areFriends(session.userId(), to.id())) {
                throw ParleyException.forbidden("You can only send messages to your friends.");
            }
        }
        MessageFilter.Filtered f = MessageFilter.applyAll(filters, session.user(), to.username(), null, body.text());
        Delivery d = messages.sendDirect(session.user(), to, f.text(), body.cid());
        return SendResponse.of(d, f.masked());
    }
}
