package io.parley.groups.internal;

import io.parley.api.account.UserRef;
import io.parley.api.ParleyException;
import io.parley.api.group.GroupInfoRequest;
import io.parley.api.handler.ParleyType;
import io.parley.api.handler.Request;
import io.parley.api.handler.RequestHandler;
import io.parley.protocol.Types;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;

/** GROUP_INFO: name, owner, members with their roles, and the settings installed features add. */
@Component
@ParleyType(Types.GROUP_INFO)
public final class GroupInfoHandler implements RequestHandler {

    private final GroupDirectory groups;

    @Activate
    public GroupInfoHandler(@Reference GroupDirectory groups) {
        this.groups = groups;
    }

    @Override
    public Object handle(Request request) {
        UserRef me = request.requireSession().user();
        GroupInfoRequest body = request.body(GroupInfoRequest.class);
        if (body.groupId() == null) {
            throw ParleyException.badRequest("'groupId' is missing.");
        }
        return groups.info(me, body.groupId(), body.after());
    }
}
