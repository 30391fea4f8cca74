package io.parley.groups.internal;

import io.parley.api.account.UserRef;
import io.parley.api.group.GroupMembersRequest;
import io.parley.api.handler.Empty;
import io.parley.api.handler.ParleyType;
import io.parley.api.handler.Request;
import io.parley.api.handler.RequestHandler;
import io.parley.protocol.Types;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;

/** GROUP_ADD: adds members; CONFLICT only when all of them are members already. */
@Component
@ParleyType(Types.GROUP_ADD)
public final class GroupAddHandler implements RequestHandler {

    private final GroupDirectory groups;

    @Activate
    public GroupAddHandler(@Reference GroupDirectory groups) {
        this.groups = groups;
    }

    @Override
    public Object handle(Request request) {
        UserRef me = request.requireSession().user();
        GroupMembersRequest body = request.body(GroupMembersRequest.class);
        groups.add(me, body.groupId(), body.members());
        return Empty.INSTANCE;
    }
}
