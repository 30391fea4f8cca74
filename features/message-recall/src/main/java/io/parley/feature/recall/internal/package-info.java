/**
 * Message recall: MSG_RECALL (72) takes a message its sender sent back within recallSeconds
 * (etc/io.parley.feature.recall.cfg), through the api's MessageService: every inbox holding it gets an event in its
 * place, and HISTORY and MSG_PULL no longer serve it.
 */
package io.parley.feature.recall.internal;
