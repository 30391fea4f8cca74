package io.parley.api.friend;

import java.util.List;
import org.osgi.annotation.versioning.ProviderType;

/** Friendship as other bundles need it. */
@ProviderType
public interface FriendService {

    boolean areFriends(long userA, long userB);

    /** The ids of the user's friends. */
    List<Long> friendIds(long userId);
}
