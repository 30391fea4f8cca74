package io.parley.accounts.internal;

import io.parley.api.account.ResumeRequest;
import io.parley.api.handler.ParleyType;
import io.parley.api.handler.Request;
import io.parley.api.handler.RequestHandler;
import io.parley.protocol.Types;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;

/** RESUME: logs a device in again with the token of an earlier LOGIN; the token stays the same. */
@Component
@ParleyType(Types.RESUME)
public final class ResumeHandler implements RequestHandler {

    private final AccountDirectory directory;

    @Activate
    public ResumeHandler(@Reference AccountDirectory directory) {
        this.directory = directory;
    }

    @Override
    public Object handle(Request request) {
        ResumeRequest body = request.body(ResumeRequest.class);
        return directory.startSession(request, directory.resume(body.token(), body.device()));
    }
}
