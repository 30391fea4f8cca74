package io.parley.api.admin;

import java.util.Objects;

/** One argument of an {@link AdminCommand}: its name, type, whether it must be given, and one line of doc. */
public record Parameter(String name, Type type, boolean required, String summary) {

    /** What the value must be: in JSON a string, a whole number, true or false, or an array of strings. */
    public enum Type {
        STRING, INTEGER, BOOLEAN, STRINGS
    }

    public Parameter {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(summary, "summary");
    }

    public static Parameter required(String name, Type type, String summary) {
        return new Parameter(name, type, true, summary);
    }

    public static Parameter optional(String name, Type type, String summary) {
        return new Parameter(name, type, false, summary);
    }

    /** The {@code limit} of a listing that answers a page at a time; read it with {@link Arguments#limit}. */
    public static Parameter limit(int max, int fallback) {
        return optional("limit", Type.INTEGER, "at most this many, 1 to " + max + " (" + fallback + ")");
    }
}
