package io.modulets.cli;

import java.util.Iterator;
import java.util.List;
import java.util.Map;

/**
 * A tiny JSON writer for {@code --json}: {@code null}, {@link Boolean}, whole {@link Number}s,
 * {@link String}s, {@link Map}s with string keys (written in their iteration order) and
 * {@link List}s, indented by two spaces. Strings are escaped so that the output is valid JSON
 * and plain ASCII: quotes, backslashes, control characters and every non-ASCII character
 * (lone surrogates included) as {@code \}{@code uXXXX}.
 */
final class Json {
    private Json() {
    }

    /** The document for {@code value}, without a trailing newline. */
    static String write(Object value) {
        StringBuilder out = new StringBuilder();
        write(value, 0, out);
        return out.toString();
    }

    private static void write(Object value, int depth, StringBuilder out) {
        if (value == null) {
            out.append("null");
        } else if (value instanceof String s) {
            string(s, out);
        } else if (value instanceof Boolean || value instanceof Integer || value instanceof Long
                || value instanceof Short || value instanceof Byte) {
            out.append(value);
        } else if (value instanceof Map<?, ?> map) {
            object(map, depth, out);
        } else if (value instanceof List<?> list) {
            array(list, depth, out);
        } else {
            // Doubles, dates and the like have no place in these documents: a bug, not data.
            throw new IllegalArgumentException("no JSON form for " + value.getClass().getName());
        }
    }

    private static void object(Map<?, ?> map, int depth, StringBuilder out) {
        if (map.isEmpty()) {
            out.append("{}");
            return;
        }
        out.append('{');
        Iterator<? extends Map.Entry<?, ?>> entries = map.entrySet().iterator();
        while (entries.hasNext()) {
            Map.Entry<?, ?> entry = entries.next();
            if (!(entry.getKey() instanceof String key)) {
                throw new IllegalArgumentException("JSON object keys are strings, not " + entry.getKey());
            }
            newline(depth + 1, out);
            string(key, out);
            out.append(": ");
            write(entry.getValue(), depth + 1, out);
            if (entries.hasNext()) {
                out.append(',');
            }
        }
        newline(depth, out);
        out.append('}');
    }

    private static void array(List<?> list, int depth, StringBuilder out) {
        if (list.isEmpty()) {
            out.append("[]");
            return;
        }
        out.append('[');
        for (int i = 0; i < list.size(); i++) {
            newline(depth + 1, out);
            write(list.get(i), depth + 1, out);
            if (i < list.size() - 1) {
                out.append(',');
            }
        }
        newline(depth, out);
        out.append(']');
    }

    private static void newline(int depth, StringBuilder out) {
        out.append('\n');
        out.append("  ".repeat(depth));
    }

    static void string(String s, StringBuilder out) {
        out.append('"');
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '"' -> out.append("\\\"");
                case '\\' -> out.append("\\\\");
                case '\n' -> out.append("\\n");
                case '\r' -> out.append("\\r");
                case '\t' -> out.append("\\t");
                case '\b' -> out.append("\\b");
                case '\f' -> out.append("\\f");
                default -> {
                    if (c < 0x20 || c > 0x7e) {
                        out.append(String.format("\\u%04x", (int) c));
                    } else {
                        out.append(c);
                    }
                }
            }
        }
        out.append('"');
    }
}
