package io.parley.api.account;

import java.util.Optional;
import org.osgi.annotation.versioning.ProviderType;

/** Looks up accounts for other bundles (friends, messaging, groups). Usernames match case-insensitively. */
@ProviderType
public interface AccountService {

    Optional<Account> findByUsername(String username);

    Optional<Account> findById(long userId);
}
