package io.parley.feature.qqgroup.internal;

import io.parley.api.account.UserRef;
import io.parley.api.handler.Empty;
import io.parley.api.handler.ParleyType;
import io.parley.api.handler.Request;
import io.parley.api.handler.RequestHandler;
import io.parley.feature.qqgroup.MuteAllRequest;
import io.parley.protocol.Types;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;

/** GROUP_MUTE_ALL: only the owner and admins speak while on. */
@Component
@ParleyType(Types.GROUP_MUTE_ALL)
public final class MuteAllHandler implements RequestHandler {

    private final QqActions qq;

    @Activate
    public MuteAllHandler(@Reference QqActions qq) {
        this.qq = qq;
    }

    @Override
    public Object handle(Request request) {
        UserRef me = request.requireSession().user();
        MuteAllRequest body = request.body(MuteAllRequest.class);
        qq.muteAll(me, body.groupId(), body.on());
        return Empty.INSTANCE;
    }
}
