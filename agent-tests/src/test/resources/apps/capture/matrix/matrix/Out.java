package matrix;

import java.util.Map;
import java.util.concurrent.ConcurrentSkipListMap;

/** Observations as "key value" lines, printed sorted at the end. */
final class Out {
    static final Map<String, String> SEEN = new ConcurrentSkipListMap<>();

    private Out() {
    }

    static void put(String key, Object value) {
        String previous = SEEN.putIfAbsent(key, String.valueOf(value));
        if (previous != null) {
            SEEN.put(key, previous + "," + value);
        }
    }

    static synchronized void print(String key, Object value) {
        System.out.println(key + " " + value);
        System.out.flush();
    }

    static void printAll() {
        SEEN.forEach(Out::print);
    }
}
