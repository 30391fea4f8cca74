package io.parley.messaging.internal;

import io.parley.api.ParleyException;
import io.parley.api.account.Account;
import io.parley.api.account.AccountService;
import io.parley.api.group.GroupService;
import io.parley.api.group.GroupView;
import io.parley.api.handler.ParleyType;
import io.parley.api.handler.Request;
import io.parley.api.handler.RequestHandler;
import io.parley.api.message.HistoryRequest;
import io.parley.api.message.HistoryResponse;
import io.parley.api.message.InboxEntry;
import io.parley.api.store.Conversation;
import java.util.List;
import io.parley.protocol.Status;
import io.parley.protocol.Types;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.osgi.service.component.annotations.ReferencePolicyOption;

/**
 * HISTORY: one conversation of the caller, newest first, paged by seq. It reads only the caller's own inbox,
 * so a 1:1 history is only ever the caller's conversation with {@code with}, and a group's history starts
 * where the caller joined. Only current members read a group's history.
 */
@Component(configurationPid = "io.parley.messaging")
@ParleyType(Types.HISTORY)
public final class HistoryHandler implements RequestHandler {

    private final MessagingConfiguration config;
    private final ChosenMessageStore store;
    private final AccountService accounts;

    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY)
    private volatile GroupService groups;

    @Activate
    public HistoryHandler(MessagingConfiguration config, @Reference ChosenMessageStore store,
            @Reference AccountService accounts) {
        this.config = config;
        this.store = store;
        this.accounts = accounts;
    }

    @Override
    public Object handle(Request request) {
        long userId = request.requireSession().userId();
        HistoryRequest body = request.body(HistoryRequest.class);
        if ((body.with() == null) == (body.group() == null)) {
            throw ParleyException.badRequest("Give either 'with' (a username) or 'group' (a group id).");
        }
        long before = body.before() == null ? Long.MAX_VALUE : body.before();
        if (before < 1) {
            throw ParleyException.badRequest("'before' must be 1 or more.");
        }
        int limit = Limits.limit(body.limit(), config.defaultHistoryLimit(), config.maxPullLimit());
        if (body.group() != null) {
            GroupService current = groups;
            if (current == null) {
                throw new ParleyException(Status.UNSUPPORTED, "Group history needs the groups bundle, which is not running.");
            }
            GroupView g = current.find(body.group())
                    .orElseThrow(() -> ParleyException.notFound("No group " + body.group() + "."));
            if (!g.isMember(userId)) {
                throw ParleyException.forbidden("Only members read a group's history.");
            }
            return page(store.history(userId, new Conversation.Group(g.groupId()), before, limit + 1), limit);
        }
        Account peer = accounts.findByUsername(body.with())
                .orElseThrow(() -> ParleyException.notFound("No user is called '" + body.with() + "'."));
        return page(store.history(userId, new Conversation.Peer(peer.id()), before, limit + 1), limit);
    }

    /** One row more than asked tells whether older entries wait, without a second query. */
    private static HistoryResponse page(List<InboxEntry> entries, int limit) {
        boolean more = entries.size() > limit;
        return new HistoryResponse(more ? entries.subList(0, limit) : entries, more);
    }
}
