/**
 * The content filter: words and patterns from etc/io.parley.feature.contentfilter.cfg, masked or refused in every
 * MSG_SEND and GROUP_SEND before anything is stored, through the api's MessageFilter whiteboard.
 */
package io.parley.feature.contentfilter.internal;
