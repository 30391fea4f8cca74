package io.parley.accounts.internal;

import io.parley.api.account.RegisterRequest;
import io.parley.api.account.RegisterResponse;
import io.parley.api.handler.ParleyType;
import io.parley.api.handler.Request;
import io.parley.api.handler.RequestHandler;
import io.parley.protocol.Types;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;

/** REGISTER: creates an account. It does not log the connection in. */
@Component
@ParleyType(Types.REGISTER)
public final class RegisterHandler implements RequestHandler {

    private final AccountDirectory directory;

    @Activate
    public RegisterHandler(@Reference AccountDirectory directory) {
        this.directory = directory;
    }

    @Override
    public Object handle(Request request) {
        RegisterRequest body = request.body(RegisterRequest.class);
        return new RegisterResponse(directory.register(body.username(), body.password(), body.nickname(),
                request.remoteAddress()));
    }
}
