package io.parley.feature.qqgroup.internal;

import io.parley.api.account.UserRef;
import io.parley.api.handler.Empty;
import io.parley.api.handler.ParleyType;
import io.parley.api.handler.Request;
import io.parley.api.handler.RequestHandler;
import io.parley.feature.qqgroup.JoinDecideRequest;
import io.parley.protocol.Types;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;

/** GROUP_JOIN_DECIDE: the owner or an admin approves or turns down a join request. */
@Component
@ParleyType(Types.GROUP_JOIN_DECIDE)
public final class JoinDecideHandler implements RequestHandler {

    private final QqActions qq;

    @Activate
    public JoinDecideHandler(@Reference QqActions qq) {
        this.qq = qq;
    }

    @Override
    public Object handle(Request request) {
        UserRef me = request.requireSession().user();
        JoinDecideRequest body = request.body(JoinDecideRequest.class);
        qq.decide(me, body.groupId(), body.username(), body.approve());
        return Empty.INSTANCE;
    }
}
