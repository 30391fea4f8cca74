/**
 * Redis for what must be fast and may be rebuilt: the fast inbox (a sorted set of entries per user, scored
 * by seq), device cursors, login tokens with expiry, and presence shared between nodes.
 *
 * <p>The relational database stays the record: a message is answered OK only after it is committed there,
 * and every read that Redis cannot answer completely (flushed, restarted, a missed write) goes to the
 * database and refills Redis. These components exist only while {@code io.parley.storage.redis} is
 * configured. The fast inbox serves messages only when {@code etc/io.parley.storage.cfg} says
 * {@code cache=redis} (messaging's ChosenMessageStore picks it by {@code parley.store=redis}); the token store
 * and presence register with a higher service ranking than the JDBC and local ones, so adding or removing the
 * configuration switches those live.
 */
package io.parley.storage.redis.internal;
