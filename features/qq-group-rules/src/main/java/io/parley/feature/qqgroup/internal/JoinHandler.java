package io.parley.feature.qqgroup.internal;

import io.parley.api.account.UserRef;
import io.parley.feature.qqgroup.JoinResponse;
import io.parley.api.handler.ParleyType;
import io.parley.api.handler.Request;
import io.parley.api.handler.RequestHandler;
import io.parley.feature.qqgroup.JoinRequest;
import io.parley.protocol.Types;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;

/** GROUP_JOIN: joins an open group, or asks to join one that needs approval. */
@Component
@ParleyType(Types.GROUP_JOIN)
public final class JoinHandler implements RequestHandler {

    private final QqActions qq;

    @Activate
    public JoinHandler(@Reference QqActions qq) {
        this.qq = qq;
    }

    @Override
    public Object handle(Request request) {
        UserRef me = request.requireSession().user();
        JoinRequest body = request.body(JoinRequest.class);
        return new JoinResponse(qq.join(me, body.groupId(), body.note()));
    }
}
