package io.parley.accounts.internal;

import io.parley.api.account.ProfileUpdateRequest;
import io.parley.api.handler.Empty;
import io.parley.api.handler.ParleyType;
import io.parley.api.handler.Request;
import io.parley.api.handler.RequestHandler;
import io.parley.protocol.Types;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;

/** PROFILE_UPDATE: changes the fields given, of the logged-in user only. */
@Component
@ParleyType(Types.PROFILE_UPDATE)
public final class ProfileUpdateHandler implements RequestHandler {

    private final AccountDirectory directory;

    @Activate
    public ProfileUpdateHandler(@Reference AccountDirectory directory) {
        this.directory = directory;
    }

    @Override
    public Object handle(Request request) {
        ProfileUpdateRequest body = request.body(ProfileUpdateRequest.class);
        directory.updateProfile(request.requireSession().userId(), body.nickname(), body.signature(), body.avatar());
        return Empty.INSTANCE;
    }
}
