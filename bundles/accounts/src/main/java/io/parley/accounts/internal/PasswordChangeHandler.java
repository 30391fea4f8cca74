package io.parley.accounts.internal;

import io.parley.api.account.PasswordChangeRequest;
import io.parley.api.handler.Empty;
import io.parley.api.handler.ParleyType;
import io.parley.api.handler.Request;
import io.parley.api.handler.RequestHandler;
import io.parley.protocol.Types;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;

/** PASSWORD_CHANGE: needs the old password; every token but this connection's is revoked. */
@Component
@ParleyType(Types.PASSWORD_CHANGE)
public final class PasswordChangeHandler implements RequestHandler {

    private final AccountDirectory directory;

    @Activate
    public PasswordChangeHandler(@Reference AccountDirectory directory) {
        this.directory = directory;
    }

    @Override
    public Object handle(Request request) {
        PasswordChangeRequest body = request.body(PasswordChangeRequest.class);
        directory.changePassword(request.requireSession(), body.old(), body.newPassword(), request.remoteAddress());
        return Empty.INSTANCE;
    }
}
