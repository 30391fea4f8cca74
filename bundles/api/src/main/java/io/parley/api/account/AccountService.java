package io.parley.api.account;

import java.util.Optional;
import org.osgi.annotation.versioning.ProviderType;

/** Looks up accounts for other bundles (friends, messaging, groups). Usernames match case-insensitively. */
@ProviderType
public interface AccountService {

    Optional<Account> findByUsername(String username);

    /**
     * Who a username is: the account's id and its username as registered. Cheaper than
     * {@link #findByUsername} where the profile is not needed (sending, group members): an account's identity
     * never changes, so it may be served from memory.
     */
    Optional<UserRef> findUser(String username);

    Optional<Account> findById(long userId);
}
