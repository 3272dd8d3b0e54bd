package io.modulets.bootstrap;

import java.util.Arrays;
import java.util.Comparator;

/**
 * The most frequent exception classes among a generation's failed tasks, in bounded memory however
 * many distinct classes occur: a fixed number of slots counted by the Space-Saving algorithm (Metwally,
 * Agrawal, El Abbadi 2005). While at most {@link #CAPACITY} classes occurred, every count is exact.
 * After that a new class takes the slot of the least counted one and inherits its count plus one, so a
 * count may be too high by at most the count it inherited ({@link Count#overcount}); any class that
 * occurred more often than {@code failures / CAPACITY} times is in the table. Classes are kept by name
 * only: a {@code Class} would pin its generation.
 */
public final class ExceptionTable {
    /** Slots kept; more than any view shows, so that the top few stay accurate. */
    public static final int CAPACITY = 16;

    /** One class's count; {@code overcount} is how much of it may belong to classes it displaced. */
    public static final class Count {
        public final String className;
        public final long count;
        public final long overcount;

        Count(String className, long count, long overcount) {
            this.className = className;
            this.count = count;
            this.overcount = overcount;
        }

        @Override
        public String toString() {
            return className + " " + count;
        }
    }

    private final String[] names;
    private final long[] counts;
    private final long[] overcounts;
    private int size;

    ExceptionTable(int capacity) {
        names = new String[capacity];
        counts = new long[capacity];
        overcounts = new long[capacity];
    }

    /** Counts one more failure by {@code className}. */
    synchronized void add(String className) {
        for (int i = 0; i < size; i++) {
            if (names[i].equals(className)) {
                counts[i]++;
                return;
            }
        }
        if (size < names.length) {
            names[size] = className;
            counts[size] = 1;
            size++;
            return;
        }
        int least = 0;
        for (int i = 1; i < size; i++) {
            if (counts[i] < counts[least]) {
                least = i;
            }
        }
        names[least] = className;
        overcounts[least] = counts[least];
        counts[least]++;
    }

    /** The {@code limit} most counted classes, most counted first (ties by name). */
    synchronized Count[] top(int limit) {
        Count[] all = new Count[size];
        for (int i = 0; i < size; i++) {
            all[i] = new Count(names[i], counts[i], overcounts[i]);
        }
        Arrays.sort(all, Comparator.comparingLong((Count c) -> -c.count).thenComparing(c -> c.className));
        return Arrays.copyOf(all, Math.min(limit, size));
    }
}
