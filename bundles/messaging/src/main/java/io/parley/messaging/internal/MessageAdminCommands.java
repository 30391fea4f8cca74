package io.parley.messaging.internal;

import io.parley.api.ParleyException;
import io.parley.api.account.Account;
import io.parley.api.admin.AdminCommand;
import io.parley.api.admin.AdminException;
import io.parley.api.admin.Parameter;
import io.parley.api.message.Delivery;
import io.parley.api.message.MessageChecks;
import io.parley.api.store.AccountStore;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Pattern;
import org.osgi.framework.BundleContext;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;

/**
 * {@code messages.notice}: the operator's notice to one user or to everyone, once per transaction id. A notice
 * to everyone is stored in slices of {@value #SLICE} consecutive user ids, each under its own cid made of the
 * transaction and the slice, so a repeat after a timeout or a crash midway stores only the slices that were not
 * stored yet: every user gets it once. A user created after the first run may miss it; none gets it twice.
 */
@Component(immediate = true, configurationPid = "io.parley.messaging")
public final class MessageAdminCommands {

    /** User ids per stored notice when it goes to everyone: one inbox entry each, one record. */
    static final int SLICE = 256;
    /** Accounts read per page while gathering everyone. */
    private static final int PAGE = 500;
    static final Pattern TRANSACTION = Pattern.compile("[A-Za-z0-9_.:-]{1,40}");

    /** What messages.notice did: how many inboxes it reaches and how many of them got it just now. */
    record Noticed(String transaction, int recipients, int storedNow, boolean repeat) {
    }

    private final AutoCloseable registrations;

    @Activate
    public MessageAdminCommands(BundleContext context, MessagingConfiguration config,
            @Reference StoreFirstMessageService messages, @Reference AccountStore accounts) {
        registrations = AdminCommand.registerAll(context, List.of(AdminCommand.of("messages.notice",
                "Send a notice from the server to one user's inbox or to everyone's; the same transaction id "
                        + "and target store it once however often it is sent.",
                List.of(Parameter.required("text", Parameter.Type.STRING, "the notice, 1 to " + config.maxTextLength()
                                + " characters (the messaging bundle's maxTextLength)"),
                        Parameter.required("transaction", Parameter.Type.STRING, "the caller's id for this notice, 1 to "
                                + "40 of A-Z a-z 0-9 _ . : -; a repeat with it stores nothing more"),
                        Parameter.optional("username", Parameter.Type.STRING, "the one user to tell (everyone when "
                                + "left out)")), a -> {
                    String text = a.string("text");
                    String tx = a.string("transaction");
                    try {
                        MessageChecks.checkText(text, config.maxTextLength());
                    } catch (ParleyException e) {
                        throw new AdminException(AdminException.Kind.BAD_ARGUMENT, e.getMessage(), e);
                    }
                    if (!TRANSACTION.matcher(tx).matches()) {
                        throw new AdminException(AdminException.Kind.BAD_ARGUMENT,
                                "'transaction' must be 1 to 40 of A-Z a-z 0-9 _ . : -.");
                    }
                    String username = a.optionalString("username").orElse(null);
                    if (username != null) {
                        Account user = accounts.findByUsername(username).orElseThrow(() -> new AdminException(
                                AdminException.Kind.NOT_FOUND, "No user '" + username + "'."));
                        Delivery d = stored(() -> messages.postNotice(List.of(user.id()), text, "u" + user.id() + ":" + tx));
                        return new Noticed(tx, 1, d.duplicate() ? 0 : 1, d.duplicate());
                    }
                    int recipients = 0;
                    int now = 0;
                    for (Map.Entry<Long, List<Long>> slice : slices(accounts).entrySet()) {
                        recipients += slice.getValue().size();
                        Delivery d = stored(() -> messages.postNotice(slice.getValue(), text,
                                "a" + slice.getKey() + ":" + tx));
                        now += d.duplicate() ? 0 : slice.getValue().size();
                    }
                    return new Noticed(tx, recipients, now, now == 0 && recipients > 0);
                })));
    }

    /** Every account's id, by slice of {@link #SLICE} ids. */
    static TreeMap<Long, List<Long>> slices(AccountStore accounts) {
        TreeMap<Long, List<Long>> slices = new TreeMap<>();
        String after = null;
        while (true) {
            List<Account> page = accounts.list("", after, PAGE);
            for (Account account : page) {
                slices.computeIfAbsent(account.id() / SLICE, k -> new ArrayList<>()).add(account.id());
            }
            if (page.size() < PAGE) {
                return slices;
            }
            after = page.get(page.size() - 1).username();
        }
    }

    /** The store's refusal as a failed command with its sentence: 503 while the store is away, else 500. */
    private static Delivery stored(java.util.function.Supplier<Delivery> work) {
        try {
            return work.get();
        } catch (ParleyException e) {
            throw new AdminException(e.status() == io.parley.protocol.Status.UNAVAILABLE
                    ? AdminException.Kind.UNAVAILABLE : AdminException.Kind.FAILED, e.getMessage()
                    + " Send it again with the same transaction: what was stored is not stored twice.", e);
        }
    }

    @Deactivate
    void deactivate() throws Exception {
        registrations.close();
    }
}
