package io.parley.groups.internal;

import io.parley.api.group.GroupListRequest;
import io.parley.api.handler.ParleyType;
import io.parley.api.handler.Request;
import io.parley.api.handler.RequestHandler;
import io.parley.protocol.Types;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;

/** GROUP_LIST: the caller's groups and its role in each. */
@Component
@ParleyType(Types.GROUP_LIST)
public final class GroupListHandler implements RequestHandler {

    private final GroupDirectory groups;

    @Activate
    public GroupListHandler(@Reference GroupDirectory groups) {
        this.groups = groups;
    }

    @Override
    public Object handle(Request request) {
        long userId = request.requireSession().userId();
        return groups.list(userId, request.body(GroupListRequest.class).after());
    }
}
