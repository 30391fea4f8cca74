package io.parley.transport.internal;

/** Client-chosen text made safe for one log line: quoted, with control and format characters escaped. */
final class LogText {

    private LogText() {
    }

    /** {@code "text"} with every character below 0x20, DEL, and Unicode format characters as {@code \\uXXXX}. */
    static String quoted(String text) {
        if (text == null) {
            return "(none)";
        }
        StringBuilder out = new StringBuilder(text.length() + 2).append('"');
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c < 0x20 || c == 0x7f || c == '"' || c == '\\' || Character.getType(c) == Character.FORMAT
                    || Character.isSurrogate(c) && !validSurrogate(text, i)) {
                out.append(String.format("\\u%04x", (int) c));
            } else {
                out.append(c);
            }
        }
        return out.append('"').toString();
    }

    private static boolean validSurrogate(String text, int i) {
        char c = text.charAt(i);
        if (Character.isHighSurrogate(c)) {
            return i + 1 < text.length() && Character.isLowSurrogate(text.charAt(i + 1));
        }
        return i > 0 && Character.isHighSurrogate(text.charAt(i - 1));
    }
}
