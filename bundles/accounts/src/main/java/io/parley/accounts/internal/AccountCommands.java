package io.parley.accounts.internal;

import io.parley.api.ParleyException;
import io.parley.api.account.Account;
import io.parley.api.message.InboxService;
import io.parley.api.session.PushService;
import io.parley.api.store.TokenStore;
import java.util.Optional;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.osgi.service.component.annotations.ReferencePolicyOption;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code parley:erase <username>} at the console: erases one user's stored messages (inbox entries, device
 * cursors, and the messages nobody else holds), revokes every token and ends the user's sessions. The account
 * itself stays; deleting accounts is the admin API's.
 */
@Component(service = AccountCommands.class, property = {
    "osgi.command.scope=parley",
    "osgi.command.function=erase"
})
public final class AccountCommands {

    private static final Logger LOG = LoggerFactory.getLogger(AccountCommands.class);

    private final AccountDirectory directory;
    private final TokenStore tokens;

    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY)
    private volatile InboxService inbox;

    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY)
    private volatile PushService push;

    @Activate
    public AccountCommands(@Reference AccountDirectory directory,
            @Reference(service = ChosenTokenStore.class) TokenStore tokens) {
        this.directory = directory;
        this.tokens = tokens;
    }

    /** Erases the user's messages, cursors and tokens; prints what went, or why nothing did. */
    public String erase(String username) {
        Optional<Account> account = directory.findByUsername(username);
        if (account.isEmpty()) {
            return "No user '" + username + "'.";
        }
        long id = account.get().id();
        InboxService messages = inbox;
        if (messages == null) {
            return "Nothing erased: the messaging bundle is not running, so messages cannot be reached.";
        }
        long entries;
        try {
            entries = messages.erase(id);
        } catch (ParleyException e) {
            return "Nothing erased: " + e.getMessage();
        }
        int revoked = tokens.revokeAllExcept(id, "");
        PushService sessions = push;
        int ended = sessions == null ? 0 : sessions.kick(id, "", "Your data was erased by the server's operator.");
        LOG.info("Erased user {} ({}): {} inbox entries, {} tokens, {} sessions ended", id, account.get().username(),
                entries, revoked, ended);
        return "Erased '" + account.get().username() + "': " + entries + " inbox entries and their cursors, " + revoked
                + (revoked == 1 ? " token; " : " tokens; ") + ended + (ended == 1 ? " session" : " sessions") + " ended.";
    }
}
