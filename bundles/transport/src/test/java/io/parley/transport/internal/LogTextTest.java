package io.parley.transport.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class LogTextTest {

    @Test
    void aClientsIdCannotForgeALogLine() {
        assertEquals("\"x\\u000a2025-01-01 INFO admin logged in\"", LogText.quoted("x\n2025-01-01 INFO admin logged in"));
        assertEquals("\"\\u202eevil\\u200b\"", LogText.quoted("\u202Eevil\u200B"), "bidi and zero-width characters");
        assertEquals("\"a\\u0022b\\u005c\"", LogText.quoted("a\"b\\"));
        assertEquals("\"😀 ok\"", LogText.quoted("😀 ok"), "a whole surrogate pair stays as it is");
        assertEquals("\"\\ud800x\"", LogText.quoted("\uD800x"), "a lone surrogate does not");
        assertEquals("(none)", LogText.quoted(null));
    }
}
