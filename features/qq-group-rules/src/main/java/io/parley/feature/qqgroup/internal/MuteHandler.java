package io.parley.feature.qqgroup.internal;

import io.parley.api.account.UserRef;
import io.parley.api.handler.Empty;
import io.parley.api.handler.ParleyType;
import io.parley.api.handler.Request;
import io.parley.api.handler.RequestHandler;
import io.parley.feature.qqgroup.MuteRequest;
import io.parley.protocol.Types;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;

/** GROUP_MUTE: silences a member for some seconds (0 lifts it); owner, or an admin for plain members. */
@Component
@ParleyType(Types.GROUP_MUTE)
public final class MuteHandler implements RequestHandler {

    private final QqActions qq;

    @Activate
    public MuteHandler(@Reference QqActions qq) {
        this.qq = qq;
    }

    @Override
    public Object handle(Request request) {
        UserRef me = request.requireSession().user();
        MuteRequest body = request.body(MuteRequest.class);
        qq.mute(me, body.groupId(), body.username(), body.seconds());
        return Empty.INSTANCE;
    }
}
