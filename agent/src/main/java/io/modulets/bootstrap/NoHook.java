package io.modulets.bootstrap;

import java.util.function.Consumer;
import java.util.function.Function;
import java.util.function.Predicate;
import java.util.function.Supplier;

/**
 * What a hook field holds until the agent sets it: finds nothing ({@code null}, {@code false}, status -1) and does
 * nothing. One class for all of them rather than a lambda each: these fields are initialised in premain, where
 * each lambda is a class spun by {@code LambdaMetafactory}, and this class is defined with the package
 * (docs/PERFORMANCE.md, start-up).
 */
final class NoHook<T, R> implements Function<T, R>, Predicate<T>, Consumer<T>, Supplier<R>, Runnable,
        Requests.StatusReader {
    private static final NoHook<?, ?> INSTANCE = new NoHook<>();

    private NoHook() {
    }

    @SuppressWarnings("unchecked")
    static <T, R> NoHook<T, R> instance() {
        return (NoHook<T, R>) INSTANCE;
    }

    @Override
    public R apply(T value) {
        return null;
    }

    @Override
    public boolean test(T value) {
        return false;
    }

    @Override
    public void accept(T value) {
    }

    @Override
    public R get() {
        return null;
    }

    @Override
    public void run() {
    }

    @Override
    public int status(Object key) {
        return -1;
    }
}
