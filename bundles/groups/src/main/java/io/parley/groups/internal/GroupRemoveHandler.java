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

/** GROUP_REMOVE: removes members. */
@Component
@ParleyType(Types.GROUP_REMOVE)
public final class GroupRemoveHandler implements RequestHandler {

    private final GroupDirectory groups;

    @Activate
    public GroupRemoveHandler(@Reference GroupDirectory groups) {
        this.groups = groups;
    }

    @Override
    public Object handle(Request request) {
        UserRef me = request.requireSession().user();
        GroupMembersRequest body = request.body(GroupMembersRequest.class);
        groups.remove(me, body.groupId(), body.members());
        return Empty.INSTANCE;
    }
}
