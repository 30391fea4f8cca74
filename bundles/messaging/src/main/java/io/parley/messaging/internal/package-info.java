/**
 * Messaging: MSG_SEND, MSG_PULL, MSG_ACK and HISTORY, and the {@link io.parley.api.message.MessageService}
 * the groups bundle fans out through.
 *
 * <p>Store first, then notify: a message is stored durably and appended to every inbox it belongs in, in one
 * transaction, before the sender gets its msgId; only then do online devices get MSG_NOTIFY. A notice is a
 * hint; a device that misses one pulls what it lacks at its next login or notice. A send repeated with the
 * same cid answers the first msgId and stores nothing new.
 */
package io.parley.messaging.internal;
