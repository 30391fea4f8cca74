package io.parley.accounts.internal;

import io.parley.api.account.LoginRequest;
import io.parley.api.handler.ParleyType;
import io.parley.api.handler.Request;
import io.parley.api.handler.RequestHandler;
import io.parley.protocol.Types;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;

/** LOGIN: checks the password, issues a token and binds the connection to the user's device. */
@Component
@ParleyType(Types.LOGIN)
public final class LoginHandler implements RequestHandler {

    private final AccountDirectory directory;

    @Activate
    public LoginHandler(@Reference AccountDirectory directory) {
        this.directory = directory;
    }

    @Override
    public Object handle(Request request) {
        LoginRequest body = request.body(LoginRequest.class);
        return directory.startSession(request,
                directory.login(body.username(), body.password(), body.device(), request.remoteAddress(),
                        AccountDirectory.failedProof(request)));
    }
}
