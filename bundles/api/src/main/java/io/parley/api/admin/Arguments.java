package io.parley.api.admin;

import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The checked arguments of one run: every value has its parameter's type ({@code String}, {@code Long},
 * {@code Boolean} or {@code List<String>}), and every required one is there.
 */
public final class Arguments {

    private final Map<String, Object> values;

    public Arguments(Map<String, Object> values) {
        this.values = Map.copyOf(values);
    }

    public String string(String name) {
        return optionalString(name).orElseThrow(() -> missing(name));
    }

    public Optional<String> optionalString(String name) {
        return Optional.ofNullable((String) values.get(name));
    }

    public long integer(String name) {
        return optionalInteger(name).orElseThrow(() -> missing(name));
    }

    public Optional<Long> optionalInteger(String name) {
        return Optional.ofNullable((Long) values.get(name));
    }

    /** A listing's page size ({@link Parameter#limit}): {@code fallback} when not given, 1 to {@code max}. */
    public int limit(int max, int fallback) {
        long limit = optionalInteger("limit").orElse((long) fallback);
        if (limit < 1 || limit > max) {
            throw new AdminException(AdminException.Kind.BAD_ARGUMENT, "'limit' must be 1 to " + max + ".");
        }
        return (int) limit;
    }

    public boolean flag(String name, boolean fallback) {
        Object v = values.get(name);
        return v == null ? fallback : (Boolean) v;
    }

    @SuppressWarnings("unchecked")
    public List<String> strings(String name) {
        Object v = values.get(name);
        return v == null ? List.of() : (List<String>) v;
    }

    /** Every value given, by name. */
    public Map<String, Object> asMap() {
        return values;
    }

    private static AdminException missing(String name) {
        return new AdminException(AdminException.Kind.BAD_ARGUMENT, "'" + name + "' is required.");
    }
}
