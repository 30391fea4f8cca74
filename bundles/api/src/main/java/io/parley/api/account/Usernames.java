package io.parley.api.account;

import java.text.Normalizer;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * The one form of a username, shared by every bundle and store.
 *
 * <ul>
 * <li>{@link #canonical}: what a client sends is first put in Unicode NFKC, so that a full-width
 * {@code ａｌｉｃｅ} or a Kelvin sign {@code K} mean {@code alice} and {@code K}; the result must then be 3 to 32
 * characters of {@code A-Z a-z 0-9 _ . -} ({@link #VALID}).</li>
 * <li>{@link #key}: usernames are unique ignoring case; the key is the canonical form in lower case.</li>
 * <li>{@link #lookAlike}: names that a reader could take for one another share a look-alike form, and REGISTER
 * refuses a name whose look-alike form an existing account has. It is the key with {@code 0} read as
 * {@code o}; {@code 1} and {@code i} as {@code l}; {@code .} and {@code -} as {@code _}; and then {@code rn},
 * {@code vv} and {@code cl} as {@code m}, {@code w} and {@code d}.</li>
 * </ul>
 * Every username registered before this form was defined already was canonical (ASCII is unchanged by NFKC), so
 * old accounts log in as before; names that look alike and were both registered earlier both keep working.
 */
public final class Usernames {

    /** A canonical username. */
    public static final Pattern VALID = Pattern.compile("[A-Za-z0-9_.-]{3,32}");

    /** The longest text looked at: a longer one cannot be a username, and is not normalized at length. */
    private static final int MAX_INPUT = 256;

    private Usernames() {
    }

    /** The username in NFKC; it is a username when {@link #isValid} says so. */
    public static String canonical(String raw) {
        if (raw.length() > MAX_INPUT) {
            return raw;
        }
        return Normalizer.normalize(raw, Normalizer.Form.NFKC);
    }

    /** True when the canonical form is a username. */
    public static boolean isValid(String canonical) {
        return VALID.matcher(canonical).matches();
    }

    /** The key usernames are unique by: the canonical form in lower case. */
    public static String key(String canonical) {
        return canonical.toLowerCase(Locale.ROOT);
    }

    /** The form names that look alike share. */
    public static String lookAlike(String canonical) {
        // Single characters first, so that "c1ark" and "cIark" become "clark", and then "dark" as "clark" does.
        return key(canonical).replace('0', 'o').replace('1', 'l').replace('i', 'l').replace('.', '_')
                .replace('-', '_').replace("rn", "m").replace("vv", "w").replace("cl", "d");
    }
}
