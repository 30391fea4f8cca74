package io.parley.accounts.internal;

import io.parley.api.admin.AdminCommand;
import io.parley.api.admin.AdminException;
import io.parley.api.admin.Arguments;
import io.parley.api.admin.Parameter;
import io.parley.api.account.Account;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import org.osgi.framework.BundleContext;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;

/**
 * The admin commands on accounts: {@code users.list}, {@code users.create}, {@code users.erase},
 * {@code users.delete}, {@code users.ban}, {@code users.unban} and {@code users.reset-password}.
 */
@Component(immediate = true)
public final class AccountAdminCommands {

    /** Most accounts one users.list answers. */
    static final int MAX_PAGE = 500;

    /** One account as users.list shows it: never its password hash. */
    record User(long id, String username, String nickname, long createdAt) {
    }

    /** A page of users.list, with the cursor for the next. */
    record Page(List<User> users, String next) {
    }

    private final AutoCloseable registrations;

    @Activate
    public AccountAdminCommands(BundleContext context, @Reference AccountDirectory directory) {
        Parameter username = Parameter.required("username", Parameter.Type.STRING, "the user");
        registrations = AdminCommand.registerAll(context, List.of(
                AdminCommand.of("users.list", "List accounts by username, a page at a time, optionally those starting "
                        + "with a prefix.", List.of(
                                Parameter.optional("prefix", Parameter.Type.STRING,
                                        "only usernames starting with it (any case)"),
                                Parameter.optional("after", Parameter.Type.STRING, "the page's cursor: the last username of "
                                        + "the page before (its `next`)"),
                                Parameter.limit(MAX_PAGE, 100)), a -> {
                            int limit = a.limit(MAX_PAGE, 100);
                            List<Account> page = AdminException.refusing(() -> directory.list(
                                    a.optionalString("prefix").orElse(""), a.optionalString("after").orElse(null),
                                    limit + 1));
                            List<User> users = page.stream().limit(limit)
                                    .map(u -> new User(u.id(), u.username(), u.nickname(), u.createdAt())).toList();
                            return new Page(users, page.size() > limit ? users.get(users.size() - 1).username() : null);
                        }),
                AdminCommand.of("users.create", "Create an account, with the same rules for names and passwords as "
                        + "REGISTER.", List.of(username,
                                Parameter.required("password", Parameter.Type.STRING, "8 to 1,024 characters"),
                                Parameter.optional("nickname", Parameter.Type.STRING, "shown to others (the username)")),
                        a -> Map.of("userId", AdminException.refusing(() -> directory.create(a.string("username"),
                                a.string("password"), a.optionalString("nickname").orElse(null), null)))),
                AdminCommand.of("users.erase", "Erase a user's stored messages, inbox and cursors, revoke every token "
                        + "and end every session; the account stays.", List.of(username),
                        a -> onUser(a, directory::erase)),
                AdminCommand.of("users.delete", "Delete a user and their data: sessions, tokens, friendships and "
                        + "friend requests, group memberships (an owner's group passes to its longest-standing member), "
                        + "stored messages and the account; the name is never given again.", List.of(username),
                        a -> onUser(a, directory::delete)),
                AdminCommand.of("users.ban", "Ban a user: every login is refused with the reason, every token revoked "
                        + "and every session ended.", List.of(username,
                                Parameter.optional("reason", Parameter.Type.STRING, "shown to the user when refused (up to "
                                        + AccountDirectory.MAX_BAN_REASON + " characters)")),
                        a -> Map.of("banned", onUser(a, name -> directory.setBan(name,
                                a.optionalString("reason").orElse(""))))),
                AdminCommand.of("users.unban", "Lift a user's ban: the user may log in again.", List.of(username),
                        a -> Map.of("unbanned", onUser(a, name -> directory.setBan(name, null)))),
                AdminCommand.of("users.reset-password", "Set a user's password, revoke every token and end every "
                        + "session.", List.of(username, Parameter.required("password", Parameter.Type.STRING,
                                "the new password, 8 to 1,024 characters")),
                        a -> Map.of("username", onUser(a, name -> directory.resetPassword(name, a.string("password")))))));
    }

    /** Runs an action on the user named by {@code username}: NOT_FOUND when there is none, refusals as kinds. */
    private static <T> T onUser(Arguments a, Function<String, Optional<T>> action) {
        String name = a.string("username");
        return AdminException.refusing(() -> action.apply(name)).orElseThrow(() -> noSuchUser(name));
    }

    private static AdminException noSuchUser(String username) {
        return new AdminException(AdminException.Kind.NOT_FOUND, "No user '" + username + "'.");
    }

    @Deactivate
    void deactivate() throws Exception {
        registrations.close();
    }
}
