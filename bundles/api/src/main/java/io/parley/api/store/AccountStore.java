package io.parley.api.store;

import io.parley.api.account.Account;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import org.osgi.annotation.versioning.ProviderType;

/**
 * Durable accounts. Usernames are unique case-insensitively and found case-insensitively. Every method may
 * throw {@link io.parley.api.ParleyException} UNAVAILABLE when the database cannot be reached.
 */
@ProviderType
public interface AccountStore {

    /**
     * Accounts whose username starts with {@code prefix} (ignoring case; empty: all), in the order of their
     * case-insensitive username, after the one whose username is {@code after} (null: from the first), at most
     * {@code limit}. For the operator's listing; never on a user's request path.
     */
    List<Account> list(String prefix, String after, int limit);

    /**
     * Bans the account (a reason and its time) or, with {@code reason} null, lifts its ban. False when there is
     * no such account.
     */
    boolean setBan(long userId, String reason, long at);

    /** The reason of the account's ban; empty when it is not banned. */
    Optional<String> ban(long userId);

    /**
     * Deletes the account: its profile, password keys and ban. Its name is retired, never given to another account
     * (every node remembers a name's id; a friend's old conversation must not reach a stranger): {@link #create}
     * answers empty for it. False when there is no such account. What other stores hold of the user is theirs to
     * delete first.
     */
    boolean delete(long userId);

    /** Creates an account; empty when the username is taken (or was a deleted account's). */
    OptionalLong create(String username, String passwordHash, String nickname, long createdAt);

    Optional<Account> findByUsername(String username);

    /**
     * The username of an existing account that looks like this one (the same
     * {@link io.parley.api.account.Usernames#lookAlike} form), if any.
     */
    Optional<String> lookAlike(String username);

    Optional<Account> findById(long userId);

    Optional<Credentials> credentials(String username);

    /** Sets the non-null fields of the change. */
    void updateProfile(long userId, ProfileChange change);

    void updatePasswordHash(long userId, String passwordHash);

    /**
     * Sets the password hash only if it is still {@code expected}: a stored form moving to a newer one must not
     * undo a password change made meanwhile. False when it had changed (or the account is gone).
     */
    boolean replacePasswordHash(long userId, String expected, String passwordHash);
}
