package io.parley.feature.recall.internal;

import io.parley.api.ParleyException;
import io.parley.api.account.UserRef;
import io.parley.api.handler.Empty;
import io.parley.api.handler.ParleyType;
import io.parley.api.handler.Request;
import io.parley.api.handler.RequestHandler;
import io.parley.api.message.InboxEntry;
import io.parley.api.message.MessageService;
import io.parley.api.store.MessageArchive;
import io.parley.protocol.Types;
import java.util.Optional;
import java.util.function.LongSupplier;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;
import org.osgi.service.component.annotations.Modified;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.metatype.annotations.Designate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * MSG_RECALL: the sender takes a 1:1 or group message back within {@code recallSeconds} of sending it. The
 * message is looked up in the sender's own inbox (a sender holds what it sent), so a message id of someone else's
 * conversation is NOT_FOUND, as if it did not exist. A repeat after the message is gone answers OK again.
 */
@Component(configurationPid = "io.parley.feature.recall", configurationPolicy = ConfigurationPolicy.OPTIONAL)
@Designate(ocd = RecallConfiguration.class)
@ParleyType(Types.MSG_RECALL)
public final class RecallHandler implements RequestHandler {

    private static final Logger LOG = LoggerFactory.getLogger(RecallHandler.class);
    static final long MAX_SECONDS = 86_400;
    private static final long DEFAULT_MS = 120_000;

    private final MessageService messages;
    private final LongSupplier clock;
    private volatile long windowMs;

    @Activate
    public RecallHandler(@Reference MessageService messages, RecallConfiguration config) {
        this(messages, config, System::currentTimeMillis);
    }

    RecallHandler(MessageService messages, RecallConfiguration config, LongSupplier clock) {
        this.messages = messages;
        this.clock = clock;
        configure(config);
    }

    /** A value out of range is refused, logged, and the window before it stays (120 s at first). */
    @Modified
    void configure(RecallConfiguration config) {
        long seconds = config.recallSeconds();
        if (seconds >= 1 && seconds <= MAX_SECONDS) {
            windowMs = seconds * 1000;
            return;
        }
        windowMs = windowMs == 0 ? DEFAULT_MS : windowMs;
        LOG.error("etc/io.parley.feature.recall.cfg: recallSeconds must be 1 to {}, not {}; {} s stay", MAX_SECONDS,
                seconds, windowMs / 1000);
    }

    @Override
    public Object handle(Request request) {
        UserRef me = request.requireSession().user();
        long msgId = request.body(RecallRequest.class).msgId(); // required: the serializer answers its absence
        if (msgId <= 0) {
            throw ParleyException.badRequest("'msgId' must be the id of a message you sent.");
        }
        recall(me, msgId);
        return Empty.INSTANCE;
    }

    void recall(UserRef me, long msgId) {
        Optional<MessageArchive.Archived> found = messages.find(me.id(), msgId);
        if (found.isEmpty()) {
            if (messages.withdrawal(me.id(), msgId).isPresent()) {
                return; // recalled already: a repeat after a lost answer
            }
            throw ParleyException.notFound("There is no message " + msgId + " in your conversations.");
        }
        MessageArchive.Archived message = found.get();
        if (messages.withdrawal(me.id(), msgId).isPresent()) {
            // Recalled before, but the message is still there (the server stopped between storing the event and
            // deleting the message): finish the job, however old the message is by now.
            messages.withdraw(me, message, new RecallEvent(msgId));
            return;
        }
        if (message.message().senderId() != me.id()) {
            throw ParleyException.forbidden("Only the sender may recall a message.");
        }
        if (!InboxEntry.MSG.equals(message.message().kind())) {
            throw ParleyException.forbidden("Only a message can be recalled, not an event.");
        }
        long age = clock.getAsLong() - message.message().ts();
        if (age > windowMs) {
            throw ParleyException.forbidden("A message can be recalled within " + windowMs / 1000
                    + " seconds of sending it; this one was sent " + age / 1000 + " seconds ago.");
        }
        messages.withdraw(me, message, new RecallEvent(msgId));
    }
}
