package io.parley.api.friend;

import io.parley.api.handler.Paged;
import java.util.ArrayList;
import java.util.List;

/**
 * FRIEND_LIST answer, one page: the caller's friends, requests received and requests sent, each list in
 * username order (case-insensitive), the three together holding the first usernames after the request's
 * {@code after}. With {@code more}, ask again with {@code after} the greatest username of this page.
 */
public record FriendList(List<Friend> friends, List<Incoming> incoming, List<String> outgoing, boolean more)
        implements Paged {

    public FriendList(List<Friend> friends, List<Incoming> incoming, List<String> outgoing) {
        this(friends, incoming, outgoing, false);
    }

    /** A friend and whether it is online now. */
    public record Friend(String username, String nickname, boolean online) {
    }

    /** A request somebody sent the caller, waiting for FRIEND_ACCEPT or FRIEND_REJECT. */
    public record Incoming(String username, String note) {
    }

    @Override
    public int items() {
        return friends.size() + incoming.size() + outgoing.size();
    }

    /** The first {@code n} usernames of the three lists merged in username order. */
    @Override
    public FriendList first(int n) {
        int f = 0;
        int i = 0;
        int o = 0;
        for (int taken = 0; taken < n; taken++) {
            String nf = f < friends.size() ? friends.get(f).username() : null;
            String ni = i < incoming.size() ? incoming.get(i).username() : null;
            String no = o < outgoing.size() ? outgoing.get(o) : null;
            String least = least(least(nf, ni), no);
            if (least == nf) {
                f++;
            } else if (least == ni) {
                i++;
            } else {
                o++;
            }
        }
        return new FriendList(List.copyOf(friends.subList(0, f)), List.copyOf(incoming.subList(0, i)),
                List.copyOf(outgoing.subList(0, o)), true);
    }

    /** The greatest username of this page, for the next request's {@code after}; null when it is empty. */
    public String last() {
        List<String> names = new ArrayList<>();
        if (!friends.isEmpty()) {
            names.add(friends.get(friends.size() - 1).username());
        }
        if (!incoming.isEmpty()) {
            names.add(incoming.get(incoming.size() - 1).username());
        }
        if (!outgoing.isEmpty()) {
            names.add(outgoing.get(outgoing.size() - 1));
        }
        return names.stream().max(String.CASE_INSENSITIVE_ORDER).orElse(null);
    }

    private static String least(String a, String b) {
        if (a == null) {
            return b;
        }
        if (b == null) {
            return a;
        }
        return String.CASE_INSENSITIVE_ORDER.compare(a, b) <= 0 ? a : b;
    }
}
