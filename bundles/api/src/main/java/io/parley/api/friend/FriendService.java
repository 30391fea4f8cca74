package io.parley.api.friend;

import org.osgi.annotation.versioning.ProviderType;

/** Friendship as other bundles need it. */
@ProviderType
public interface FriendService {

    boolean areFriends(long userA, long userB);
}
