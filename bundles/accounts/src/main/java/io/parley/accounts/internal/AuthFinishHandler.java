package io.parley.accounts.internal;

import io.parley.api.account.AuthFinishRequest;
import io.parley.api.account.AuthFinishResponse;
import io.parley.api.account.LoginResponse;
import io.parley.api.handler.ParleyType;
import io.parley.api.handler.Request;
import io.parley.api.handler.RequestHandler;
import io.parley.protocol.Types;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;

/** AUTH_FINISH: checks the SCRAM proof, then answers as LOGIN does, plus the server's signature. */
@Component
@ParleyType(Types.AUTH_FINISH)
public final class AuthFinishHandler implements RequestHandler {

    private final AccountDirectory directory;

    @Activate
    public AuthFinishHandler(@Reference AccountDirectory directory) {
        this.directory = directory;
    }

    @Override
    public Object handle(Request request) {
        AuthFinishRequest body = request.body(AuthFinishRequest.class);
        AccountDirectory.AuthFinished finished = directory.authFinish(request, body.nonce(), body.proof());
        LoginResponse login = directory.startSession(request, finished.login());
        return new AuthFinishResponse(login.userId(), login.token(), login.seq(), login.acked(),
                finished.serverSignature());
    }
}
