package io.parley.accounts.internal;

import io.parley.api.ParleyException;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;

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

    private final AccountDirectory directory;

    @Activate
    public AccountCommands(@Reference AccountDirectory directory) {
        this.directory = directory;
    }

    /** Erases the user's messages, cursors and tokens; prints what went, or why nothing did. */
    public String erase(String username) {
        try {
            return directory.erase(username).map(e -> "Erased '" + e.username() + "': " + e.inboxEntries()
                    + " inbox entries and their cursors, " + e.tokens() + (e.tokens() == 1 ? " token; " : " tokens; ")
                    + e.sessions() + (e.sessions() == 1 ? " session" : " sessions") + " ended.")
                    .orElse("No user '" + username + "'.");
        } catch (ParleyException e) {
            return "Nothing erased: " + e.getMessage();
        }
    }
}
