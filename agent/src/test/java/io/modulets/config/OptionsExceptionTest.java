package io.modulets.config;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class OptionsExceptionTest {

    @Test
    void prefixIsAddedOnce() {
        assertEquals("modulets: bad", new OptionsException("bad").getMessage());
        assertEquals("modulets: bad", new OptionsException("modulets: bad").getMessage());
    }

    @Test
    void lineBreaksAreEscaped() {
        assertEquals("modulets: a\\nb\\r\\u2028c", new OptionsException("a\nb\r\u2028c").getMessage());
    }
}
