package io.parley.accounts.internal;

import io.parley.api.account.AuthStartRequest;
import io.parley.api.handler.ParleyType;
import io.parley.api.handler.Request;
import io.parley.api.handler.RequestHandler;
import io.parley.protocol.Types;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;

/** AUTH_START: the first step of a SCRAM-SHA-256 login; see {@link AccountDirectory#authStart}. */
@Component
@ParleyType(Types.AUTH_START)
public final class AuthStartHandler implements RequestHandler {

    private final AccountDirectory directory;

    @Activate
    public AuthStartHandler(@Reference AccountDirectory directory) {
        this.directory = directory;
    }

    @Override
    public Object handle(Request request) {
        AuthStartRequest body = request.body(AuthStartRequest.class);
        return directory.authStart(request, body.username(), body.device(), body.clientNonce());
    }
}
