package io.parley.groups.internal;

import io.parley.api.account.UserRef;
import io.parley.api.group.GroupRequest;
import io.parley.api.handler.Empty;
import io.parley.api.handler.ParleyType;
import io.parley.api.handler.Request;
import io.parley.api.handler.RequestHandler;
import io.parley.protocol.Types;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;

/** GROUP_LEAVE: the caller leaves; an owner hands over to the longest-standing member, the last one dissolves. */
@Component
@ParleyType(Types.GROUP_LEAVE)
public final class GroupLeaveHandler implements RequestHandler {

    private final GroupDirectory groups;

    @Activate
    public GroupLeaveHandler(@Reference GroupDirectory groups) {
        this.groups = groups;
    }

    @Override
    public Object handle(Request request) {
        UserRef me = request.requireSession().user();
        GroupRequest body = request.body(GroupRequest.class);
        groups.leave(me, body.groupId());
        return Empty.INSTANCE;
    }
}
