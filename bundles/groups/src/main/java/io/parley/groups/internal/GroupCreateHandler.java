package io.parley.groups.internal;

import io.parley.api.account.UserRef;
import io.parley.api.group.GroupCreateRequest;
import io.parley.api.group.GroupCreateResponse;
import io.parley.api.handler.ParleyType;
import io.parley.api.handler.Request;
import io.parley.api.handler.RequestHandler;
import io.parley.protocol.Types;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;

/** GROUP_CREATE: the caller creates a group and owns it. */
@Component
@ParleyType(Types.GROUP_CREATE)
public final class GroupCreateHandler implements RequestHandler {

    private final GroupDirectory groups;

    @Activate
    public GroupCreateHandler(@Reference GroupDirectory groups) {
        this.groups = groups;
    }

    @Override
    public Object handle(Request request) {
        UserRef me = request.requireSession().user();
        GroupCreateRequest body = request.body(GroupCreateRequest.class);
        return new GroupCreateResponse(groups.create(me, body.name(), body.members()));
    }
}
