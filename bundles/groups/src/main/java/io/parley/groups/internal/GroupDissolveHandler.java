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

/** GROUP_DISSOLVE: ends the group; every member gets the event. */
@Component
@ParleyType(Types.GROUP_DISSOLVE)
public final class GroupDissolveHandler implements RequestHandler {

    private final GroupDirectory groups;

    @Activate
    public GroupDissolveHandler(@Reference GroupDirectory groups) {
        this.groups = groups;
    }

    @Override
    public Object handle(Request request) {
        UserRef me = request.requireSession().user();
        GroupRequest body = request.body(GroupRequest.class);
        groups.dissolve(me, body.groupId());
        return Empty.INSTANCE;
    }
}
