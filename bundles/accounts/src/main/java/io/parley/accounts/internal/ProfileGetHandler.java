package io.parley.accounts.internal;

import io.parley.api.ParleyException;
import io.parley.api.account.Account;
import io.parley.api.account.Profile;
import io.parley.api.account.ProfileGetRequest;
import io.parley.api.handler.ParleyType;
import io.parley.api.handler.Request;
import io.parley.api.handler.RequestHandler;
import io.parley.api.session.PresenceService;
import io.parley.protocol.Types;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferencePolicyOption;

/** PROFILE_GET: any logged-in user may read any profile, with whether its owner is online. */
@Component
@ParleyType(Types.PROFILE_GET)
public final class ProfileGetHandler implements RequestHandler {

    private final AccountDirectory directory;
    private final PresenceService presence;

    @Activate
    public ProfileGetHandler(@Reference AccountDirectory directory, @Reference(policyOption = ReferencePolicyOption.GREEDY) PresenceService presence) {
        this.directory = directory;
        this.presence = presence;
    }

    @Override
    public Object handle(Request request) {
        String username = request.body(ProfileGetRequest.class).username();
        Account a = directory.findByUsername(username)
                .orElseThrow(() -> ParleyException.notFound("No user is called '" + username + "'."));
        return new Profile(a.username(), a.nickname(), a.signature(), a.avatar(), presence.isOnline(a.id()));
    }
}
