package io.parley.api.store;

import java.util.Map;
import java.util.Optional;
import org.osgi.annotation.versioning.ProviderType;

/**
 * Small named values a feature keeps about groups and their members (roles, mutes, settings), so a feature
 * bundle needs no schema of its own. {@code namespace} keeps features apart; {@code userId} 0 means the
 * group itself. Values survive the feature being uninstalled.
 */
@ProviderType
public interface AttributeStore {

    Optional<String> get(String namespace, long groupId, long userId, String name);

    /** Every value of a group in a namespace: user id to (name to value); user id 0 for the group's own. */
    Map<Long, Map<String, String>> all(String namespace, long groupId);

    void put(String namespace, long groupId, long userId, String name, String value);

    void remove(String namespace, long groupId, long userId, String name);
}
