package io.parley.accounts.internal;

import io.parley.api.account.AccountService;
import io.parley.api.session.PresenceService;
import io.parley.protocol.Types;
import io.parley.testkit.Configs;
import io.parley.testkit.Kit;
import io.parley.testkit.MemoryStores;
import java.util.Map;

/** The accounts bundle's handlers on in-memory stores, with cheap password hashes. */
public final class AccountsKit extends Kit {

    private final AccountDirectory directory;

    public AccountsKit(MemoryStores stores, PresenceService presence) {
        directory = component(new AccountDirectory(Configs.of(AccountsConfiguration.class,
                Map.of("pbkdf2Iterations", 4096)), stores.accounts(), stores.tokens(), stores.attributes()));
        handler(Types.REGISTER, new RegisterHandler(directory));
        handler(Types.LOGIN, new LoginHandler(directory));
        handler(Types.RESUME, new ResumeHandler(directory));
        handler(Types.AUTH_START, new AuthStartHandler(directory));
        handler(Types.AUTH_FINISH, new AuthFinishHandler(directory));
        handler(Types.LOGOUT, new LogoutHandler(directory));
        handler(Types.PASSWORD_CHANGE, new PasswordChangeHandler(directory));
        handler(Types.PROFILE_GET, new ProfileGetHandler(directory, presence));
        handler(Types.PROFILE_UPDATE, new ProfileUpdateHandler(directory));
    }

    /** A stored password hash as REGISTER makes it here, to create accounts in a store without a request. */
    public static String passwordHash(String password) {
        return new Passwords(4096).hash(password);
    }

    public AccountService accounts() {
        return directory;
    }

    @Override
    public void close() {
        directory.deactivate();
    }
}
