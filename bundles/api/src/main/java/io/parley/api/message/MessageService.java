package io.parley.api.message;

import io.parley.api.account.UserRef;
import java.util.Collection;
import org.osgi.annotation.versioning.ProviderType;

/**
 * Puts messages and events into inboxes: stored durably first, then the online devices are notified.
 * When a method returns, what it stored cannot be lost. Callers check permissions first.
 */
@ProviderType
public interface MessageService {

    /** A 1:1 message: one entry in the receiver's inbox and one in the sender's (for its other devices). */
    Delivery sendDirect(UserRef sender, UserRef recipient, String text, String cid);

    /** A group message: stored once, one entry in every member's inbox (the sender is a member). */
    Delivery sendToGroup(UserRef sender, long groupId, Collection<Long> memberIds, String text, String cid);

    /** A group event (a member joined, the group was dissolved ...): an event entry in every listed inbox. */
    Delivery postGroupEvent(UserRef actor, long groupId, Collection<Long> memberIds, Object event);
}
