package io.parley.groups.internal;

import io.parley.api.group.GroupSendRequest;
import io.parley.api.handler.ParleyType;
import io.parley.api.handler.Request;
import io.parley.api.handler.RequestHandler;
import io.parley.api.message.MessageChecks;
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
        MessageChecks.checkText(body.text(), config.maxTextLength());
        MessageChecks.checkCid(body.cid());
        GroupDirectory.Sent sent = groups.sendFiltered(session.user(), body.groupId(), body.text(), body.cid());
        return SendResponse.of(sent.delivery(), sent.masked());
    }
}
