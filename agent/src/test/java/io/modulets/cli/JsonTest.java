package io.modulets.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class JsonTest {

    private static String string(String s) {
        StringBuilder out = new StringBuilder();
        Json.string(s, out);
        return out.toString();
    }

    @Test
    void quotesAndBackslashesAreEscaped() {
        assertEquals("\"a\\\"b\\\\c/d\"", string("a\"b\\c/d"));
    }

    @Test
    void controlCharactersAreEscaped() {
        assertEquals("\"\\n\\r\\t\\b\\f\\u0000\\u001f\"", string("\n\r\t\b\f\u0000\u001f"));
    }

    @Test
    void nonAsciiIsEscapedSoTheOutputIsAscii() {
        assertEquals("\"caf\\u00e9 \\u2028 \\ud83d\\ude00 \\u007f\"", string("café \u2028 😀 \u007f"));
    }

    @Test
    void aLoneSurrogateStaysValidJson() {
        assertEquals("\"x\\ud800y\"", string("x\ud800y"));
    }

    @Test
    void scalars() {
        assertEquals("null", Json.write(null));
        assertEquals("true", Json.write(true));
        assertEquals("-42", Json.write(-42));
        assertEquals("9007199254740993", Json.write(9007199254740993L));
        assertEquals("\"\"", Json.write(""));
    }

    @Test
    void objectsKeepTheirOrderAndNestWithIndentation() {
        Map<String, Object> inner = new LinkedHashMap<>();
        inner.put("z", 1);
        inner.put("a", Arrays.asList("x", null));
        Map<String, Object> outer = new LinkedHashMap<>();
        outer.put("b", inner);
        outer.put("empty", Map.of());
        outer.put("none", List.of());
        assertEquals("{\n"
                + "  \"b\": {\n"
                + "    \"z\": 1,\n"
                + "    \"a\": [\n"
                + "      \"x\",\n"
                + "      null\n"
                + "    ]\n"
                + "  },\n"
                + "  \"empty\": {},\n"
                + "  \"none\": []\n"
                + "}", Json.write(outer));
    }

    @Test
    void keysAreEscapedToo() {
        assertEquals("{\n  \"a\\\"b\": 1\n}", Json.write(Map.of("a\"b", 1)));
    }

    @Test
    void whatHasNoJsonFormIsABug() {
        assertThrows(IllegalArgumentException.class, () -> Json.write(1.5));
        assertThrows(IllegalArgumentException.class, () -> Json.write(Map.of(1, 2)));
    }
}
