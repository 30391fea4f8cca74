package io.parley.websocket.internal;

import java.util.Arrays;
import java.util.Locale;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Which browser pages may open a WebSocket: the server's own origin (scheme, and the Host the browser asked for),
 * the configured ones, or any with {@code *}. A request with no Origin header is not from a browser page, which
 * is all the check protects (a page on another site using the visitor's browser), and is let in.
 */
final class Origins {

    private final Set<String> allowed;
    private final boolean any;

    private Origins(Set<String> allowed) {
        this.any = allowed.contains("*");
        this.allowed = allowed;
    }

    static Origins parse(String setting) {
        return new Origins(Arrays.stream(setting.split(","))
                .map(String::trim)
                .filter(s -> !s.isEmpty())
                .map(Origins::normal)
                .collect(Collectors.toUnmodifiableSet()));
    }

    /** {@code origin} null when the request has none; {@code host} the Host header, null when missing. */
    boolean allows(String origin, String host, boolean secure) {
        if (origin == null || any) {
            return true;
        }
        String asked = normal(origin);
        return allowed.contains(asked)
                || host != null && asked.equals(normal((secure ? "https://" : "http://") + host));
    }

    /** Lower case, without a trailing slash or the scheme's default port. */
    private static String normal(String origin) {
        String o = origin.trim().toLowerCase(Locale.ROOT);
        if (o.endsWith("/")) {
            o = o.substring(0, o.length() - 1);
        }
        if (o.startsWith("http://") && o.endsWith(":80")) {
            o = o.substring(0, o.length() - 3);
        } else if (o.startsWith("https://") && o.endsWith(":443")) {
            o = o.substring(0, o.length() - 4);
        }
        return o;
    }
}
