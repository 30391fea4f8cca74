package io.parley.feature.qqgroup.internal;

import io.parley.api.account.UserRef;
import io.parley.api.handler.Empty;
import io.parley.api.handler.ParleyType;
import io.parley.api.handler.Request;
import io.parley.api.handler.RequestHandler;
import io.parley.feature.qqgroup.SetRoleRequest;
import io.parley.protocol.Types;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;

/** GROUP_SET_ROLE: the owner makes a member an admin, or an admin a member. */
@Component
@ParleyType(Types.GROUP_SET_ROLE)
public final class SetRoleHandler implements RequestHandler {

    private final QqActions qq;

    @Activate
    public SetRoleHandler(@Reference QqActions qq) {
        this.qq = qq;
    }

    @Override
    public Object handle(Request request) {
        UserRef me = request.requireSession().user();
        SetRoleRequest body = request.body(SetRoleRequest.class);
        qq.setRole(me, body.groupId(), body.username(), body.role());
        return Empty.INSTANCE;
    }
}
