package io.parley.groups.internal;

import io.parley.api.ParleyException;
import io.parley.api.account.UserRef;
import io.parley.api.group.GroupSendRequest;
import io.parley.api.handler.ParleyType;
import io.parley.api.handler.Request;
import io.parley.api.handler.RequestHandler;
import io.parley.api.message.Delivery;
import io.parley.api.message.SendResponse;
import io.parley.api.session.Session;
import io.parley.protocol.Types;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;

/** GROUP_SEND: stored once, one inbox entry per member, then online members are notified. */
@Component(configurationPid = "io.parley.groups")
@ParleyType(Types.GROUP_SEND)
public final class GroupSendHandler implements RequestHandler {

    private static final int MAX_CID = 64;

    private final GroupsConfiguration config;
    private final GroupDirectory groups;

    @Activate
    public GroupSendHandler(GroupsConfiguration config, @Reference GroupDirectory groups) {
        this.config = config;
        this.groups = groups;
    }

    @Override
    public Object handle(Request request) {
        Session session = request.requireSession();
        GroupSendRequest body = request.body(GroupSendRequest.class);
        int length = body.text().codePointCount(0, body.text().length());
        if (length < 1 || length > config.maxTextLength()) {
            throw ParleyException.badRequest("A message text is 1 to " + config.maxTextLength() + " characters.");
        }
        if (body.cid().isEmpty() || body.cid().length() > MAX_CID) {
            throw ParleyException.badRequest("'cid' must be 1 to " + MAX_CID + " characters.");
        }
        Delivery d = groups.send(new UserRef(session.userId(), session.username()), body.groupId(), body.text(),
                body.cid());
        return new SendResponse(d.msgId(), d.ts());
    }
}
