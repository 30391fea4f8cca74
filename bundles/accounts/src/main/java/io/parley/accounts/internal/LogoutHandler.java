package io.parley.accounts.internal;

import io.parley.api.handler.Empty;
import io.parley.api.handler.ParleyType;
import io.parley.api.handler.Request;
import io.parley.api.handler.RequestHandler;
import io.parley.protocol.Types;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;

/** LOGOUT: revokes this connection's token, answers, then the connection is closed. */
@Component
@ParleyType(Types.LOGOUT)
public final class LogoutHandler implements RequestHandler {

    private final AccountDirectory directory;

    @Activate
    public LogoutHandler(@Reference AccountDirectory directory) {
        this.directory = directory;
    }

    @Override
    public Object handle(Request request) {
        directory.logout(request.requireSession());
        request.closeAfterResponse();
        return Empty.INSTANCE;
    }
}
