/**
 * Friends and presence: FRIEND_ADD, FRIEND_ACCEPT, FRIEND_REJECT, FRIEND_REMOVE and FRIEND_LIST, the
 * {@link io.parley.api.friend.FriendService} messaging checks, FRIEND_EVENT notices to the other user, and
 * PRESENCE notices to a user's online friends when its first device comes online or its last goes away.
 * A request made while its receiver was offline is pushed when the receiver next logs in.
 */
package io.parley.friends.internal;
