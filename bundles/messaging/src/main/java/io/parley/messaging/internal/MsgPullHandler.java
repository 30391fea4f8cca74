package io.parley.messaging.internal;

import io.parley.api.ParleyException;
import io.parley.api.handler.ParleyType;
import io.parley.api.handler.Request;
import io.parley.api.handler.RequestHandler;
import io.parley.api.message.InboxEntry;
import io.parley.api.message.PullRequest;
import io.parley.api.message.PullResponse;
import io.parley.protocol.Types;
import java.util.List;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;

/** MSG_PULL: the caller's inbox entries after a seq, in order, in one query. */
@Component(configurationPid = "io.parley.messaging")
@ParleyType(Types.MSG_PULL)
public final class MsgPullHandler implements RequestHandler {

    private final MessagingConfiguration config;
    private final ChosenMessageStore store;
    private final StoreFirstMessageService messages;

    @Activate
    public MsgPullHandler(MessagingConfiguration config, @Reference ChosenMessageStore store,
            @Reference StoreFirstMessageService messages) {
        this.config = config;
        this.store = store;
        this.messages = messages;
    }

    @Override
    public Object handle(Request request) {
        long userId = request.requireSession().userId();
        PullRequest body = request.body(PullRequest.class);
        if (body.after() < 0) {
            throw ParleyException.badRequest("'after' must be 0 or more.");
        }
        int limit = Limits.limit(body.limit(), config.defaultPullLimit(), config.maxPullLimit());
        // One row more than asked tells whether there is more, without a second query.
        List<InboxEntry> entries = store.pull(userId, body.after(), limit + 1);
        boolean more = entries.size() > limit;
        List<InboxEntry> page = more ? entries.subList(0, limit) : entries;
        messages.pulled(page);
        return new PullResponse(page, more);
    }
}
