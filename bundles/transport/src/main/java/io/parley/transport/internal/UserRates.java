package io.parley.transport.internal;

import io.parley.protocol.Types;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongSupplier;

/**
 * How often each user may send the request types that write for others to read (MSG_SEND, GROUP_SEND,
 * FRIEND_ADD, ...), across all of the user's connections on this node: a token bucket per user and type, that
 * holds {@code count} requests and refills at {@code count} per {@code seconds}, so a burst is fine and a
 * flood is not. Configured as {@code TYPE:COUNT/SECONDS,...}, TYPE a name (MSG_SEND) or a code (20).
 */
final class UserRates {

    private record Rate(int count, long refillNanosPerToken) {
    }

    private record Key(long userId, int type) {
    }

    /** Tokens available, scaled by the refill period so that refilling stays in whole numbers. */
    private static final class Bucket {
        long available;
        long updated;
    }

    private final Map<Integer, Rate> rates;
    private final LongSupplier nanos;
    private final Map<Key, Bucket> buckets = new ConcurrentHashMap<>();

    UserRates(String spec, LongSupplier nanos) {
        this.rates = parse(spec);
        this.nanos = nanos;
    }

    /** Parses {@code TYPE:COUNT/SECONDS,...}; throws IllegalArgumentException saying what is wrong. */
    static Map<Integer, Rate> parse(String spec) {
        Map<Integer, Rate> out = new HashMap<>();
        for (String part : spec.split(",")) {
            String item = part.trim();
            if (item.isEmpty()) {
                continue;
            }
            int colon = item.indexOf(':');
            int slash = item.indexOf('/');
            if (colon < 1 || slash < colon + 2 || slash == item.length() - 1) {
                throw new IllegalArgumentException("'" + item + "' is not TYPE:COUNT/SECONDS");
            }
            int type = type(item.substring(0, colon).trim());
            try {
                int count = Integer.parseInt(item.substring(colon + 1, slash).trim());
                long seconds = Long.parseLong(item.substring(slash + 1).trim());
                if (count < 1 || seconds < 1) {
                    throw new IllegalArgumentException("'" + item + "': COUNT and SECONDS must be 1 or more");
                }
                out.put(type, new Rate(count, seconds * 1_000_000_000L / count));
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("'" + item + "' is not TYPE:COUNT/SECONDS", e);
            }
        }
        return Map.copyOf(out);
    }

    private static int type(String name) {
        try {
            int code = Integer.parseInt(name);
            if (code >= 0 && code <= 255) {
                return code;
            }
        } catch (NumberFormatException e) {
            for (int code = 0; code <= 255; code++) {
                if (Types.name(code).equals(name.toUpperCase(Locale.ROOT))) {
                    return code;
                }
            }
        }
        throw new IllegalArgumentException("'" + name + "' is not a request type");
    }

    /** Takes one request of this type for the user: 0 when it may go, else the milliseconds until it may. */
    long take(long userId, int type) {
        Rate rate = rates.get(type);
        if (rate == null) {
            return 0;
        }
        Bucket b = buckets.computeIfAbsent(new Key(userId, type), k -> {
            Bucket fresh = new Bucket();
            fresh.available = rate.count();
            fresh.updated = nanos.getAsLong();
            return fresh;
        });
        synchronized (b) {
            long now = nanos.getAsLong();
            long refilled = (now - b.updated) / rate.refillNanosPerToken();
            if (refilled > 0) {
                b.available = Math.min(rate.count(), b.available + refilled);
                b.updated = b.available == rate.count() ? now : b.updated + refilled * rate.refillNanosPerToken();
            }
            if (b.available > 0) {
                b.available--;
                return 0;
            }
            long waitNanos = b.updated + rate.refillNanosPerToken() - now;
            return Math.max(1, waitNanos / 1_000_000);
        }
    }

    /** Forgets buckets that have refilled completely: they hold nothing a fresh one would not. */
    void sweep() {
        long now = nanos.getAsLong();
        buckets.entrySet().removeIf(e -> {
            Rate rate = rates.get(e.getKey().type());
            Bucket b = e.getValue();
            synchronized (b) {
                return b.available + (now - b.updated) / rate.refillNanosPerToken() >= rate.count();
            }
        });
    }
}
