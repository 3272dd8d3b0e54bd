package io.modulets.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;

import java.io.IOException;

import org.junit.jupiter.api.Test;

/** A log line is one line whatever a file name or an exception holds. */
class LogTest {
    @Test
    void controlCharactersAreWrittenAsEscapes() {
        assertEquals("deploy of [a\\nmodulets: forged.jar]", Log.escape("deploy of [a\nmodulets: forged.jar]"));
        assertEquals("\\u001b[31mred\\u001b[0m.jar", Log.escape("\u001b[31mred\u001b[0m.jar"));
        assertEquals("a\\r\\tb\\u007f\\u0085\\u2028", Log.escape("a\r\tb\u007f\u0085\u2028"));
    }

    @Test
    void textWithoutControlCharactersIsLeftAlone() {
        String plain = "C:\\jobs\\mail-1.2.jar, é, 日本";
        assertSame(plain, Log.escape(plain));
        assertEquals(Log.escape("once\n"), Log.escape(Log.escape("once\n")), "escaping twice is escaping once");
    }

    @Test
    void aThrowableInOneLine() {
        assertEquals("java.lang.VerifyError: Bad type", Log.oneLine(new VerifyError("Bad type\nException Details:")));
        assertEquals("java.io.IOException", Log.oneLine(new IOException()));
        assertEquals("java.lang.OutOfMemoryError: Java heap space",
                Log.oneLine(new OutOfMemoryError("Java heap space")));
    }
}
