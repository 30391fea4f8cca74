package io.parley.accounts.internal;

import io.parley.api.ParleyException;
import io.parley.api.account.Account;
import io.parley.api.account.Profile;
import io.parley.api.friend.FriendService;
import io.parley.api.account.ProfileGetRequest;
import io.parley.api.handler.ParleyType;
import io.parley.api.handler.Request;
import io.parley.api.handler.RequestHandler;
import io.parley.api.session.PresenceService;
import io.parley.protocol.Types;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.osgi.service.component.annotations.ReferencePolicyOption;

/**
 * PROFILE_GET: any logged-in user may read any profile; whether its owner is online only the owner and the
 * owner's friends see, as only they get PRESENCE notices (a stranger sees {@code online: false}).
 */
@Component
@ParleyType(Types.PROFILE_GET)
public final class ProfileGetHandler implements RequestHandler {

    private final AccountDirectory directory;
    private final PresenceService presence;

    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY)
    private volatile FriendService friends;

    @Activate
    public ProfileGetHandler(@Reference AccountDirectory directory, @Reference(policyOption = ReferencePolicyOption.GREEDY) PresenceService presence) {
        this.directory = directory;
        this.presence = presence;
    }

    @Override
    public Object handle(Request request) {
        long me = request.requireSession().userId();
        String username = request.body(ProfileGetRequest.class).username();
        Account a = directory.findByUsername(username)
                .orElseThrow(() -> ParleyException.notFound("No user is called '" + username + "'."));
        FriendService current = friends;
        boolean mayKnow = a.id() == me || current != null && current.areFriends(me, a.id());
        return new Profile(a.username(), a.nickname(), a.signature(), a.avatar(), mayKnow && presence.isOnline(a.id()));
    }
}
