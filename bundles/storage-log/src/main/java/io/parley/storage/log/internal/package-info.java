/**
 * The message log: messages, inboxes and device cursors in one append-only file, for the embedded
 * single-node default. Accounts, friends and groups stay in the JDBC store. The component exists only while
 * {@code io.parley.storage.log} is configured (the distribution ships etc/io.parley.storage.log.cfg), and
 * ranks above the JDBC message store, below the Redis one.
 */
package io.parley.storage.log.internal;
