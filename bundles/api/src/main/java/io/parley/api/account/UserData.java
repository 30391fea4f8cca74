package io.parley.api.account;

import org.osgi.annotation.versioning.ConsumerType;

/**
 * What a bundle keeps of a user besides the account and the inbox (friendships, group memberships). A bundle
 * registers one as a service (a whiteboard); when the operator deletes a user ({@code users.delete}), the accounts
 * bundle ends the user's sessions, calls every registered one, erases the inbox and then deletes the account. A
 * bundle that is not running then keeps its rows; its queries join them to accounts, so nothing of the user shows.
 */
@ConsumerType
public interface UserData {

    /** What it holds, one word for the report: {@code friends}, {@code groups}. */
    String name();

    /**
     * Deletes what it holds of the user, telling whoever shared it (a friend, the group's members) as it would if
     * the user had left; returns how many things went.
     */
    long forget(UserRef user);
}
