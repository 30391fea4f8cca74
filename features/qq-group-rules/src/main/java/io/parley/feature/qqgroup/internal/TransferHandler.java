package io.parley.feature.qqgroup.internal;

import io.parley.api.account.UserRef;
import io.parley.api.handler.Empty;
import io.parley.api.handler.ParleyType;
import io.parley.api.handler.Request;
import io.parley.api.handler.RequestHandler;
import io.parley.feature.qqgroup.TransferRequest;
import io.parley.protocol.Types;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;

/** GROUP_TRANSFER: the owner hands the group to another member. */
@Component
@ParleyType(Types.GROUP_TRANSFER)
public final class TransferHandler implements RequestHandler {

    private final QqActions qq;

    @Activate
    public TransferHandler(@Reference QqActions qq) {
        this.qq = qq;
    }

    @Override
    public Object handle(Request request) {
        UserRef me = request.requireSession().user();
        TransferRequest body = request.body(TransferRequest.class);
        qq.transfer(me, body.groupId(), body.username());
        return Empty.INSTANCE;
    }
}
