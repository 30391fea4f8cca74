package io.parley.feature.qqgroup.internal;

import io.parley.api.account.UserRef;
import io.parley.api.handler.Empty;
import io.parley.api.handler.ParleyType;
import io.parley.api.handler.Request;
import io.parley.api.handler.RequestHandler;
import io.parley.feature.qqgroup.SettingsRequest;
import io.parley.protocol.Types;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;

/** GROUP_SETTINGS: the owner sets the join mode and the member cap. */
@Component
@ParleyType(Types.GROUP_SETTINGS)
public final class SettingsHandler implements RequestHandler {

    private final QqActions qq;

    @Activate
    public SettingsHandler(@Reference QqActions qq) {
        this.qq = qq;
    }

    @Override
    public Object handle(Request request) {
        UserRef me = request.requireSession().user();
        SettingsRequest body = request.body(SettingsRequest.class);
        qq.settings(me, body.groupId(), body.joinMode(), body.maxMembers());
        return Empty.INSTANCE;
    }
}
