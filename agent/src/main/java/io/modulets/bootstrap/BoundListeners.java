package io.modulets.bootstrap;

import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;
import java.util.function.Predicate;

/**
 * {@link BoundTask} for the listeners a request hands a server, which the server calls later on a thread of its own,
 * if at all: Jetty 12 core's {@code Request.addFailureListener} and {@code addIdleTimeoutListener}. Each is pending,
 * so counted live, from its registration until it runs (or is collected unrun, once Jetty recycles the request).
 */
final class BoundListeners {
    private BoundListeners() {
    }

    /** A failure listener: Jetty calls it at most once, then forgets it. */
    static final class OnFailure implements Consumer<Throwable> {
        private final Consumer<Throwable> listener;

        OnFailure(Consumer<Throwable> listener) {
            this.listener = listener;
        }

        @Override
        public void accept(Throwable failure) {
            ExecutorHooks.runCaptured(this, () -> listener.accept(failure));
        }

        @Override
        public String toString() {
            return listener.toString();
        }
    }

    /**
     * An idle-timeout listener: Jetty calls it at each idle timeout of the request until it answers true (the request
     * then fails); one that answers false stays pending, on the same binding, for the next.
     */
    static final class OnIdleTimeout implements Predicate<TimeoutException> {
        private final Predicate<TimeoutException> listener;
        /** The request's binding, for a call that finds no capture pending (below). */
        private final ClassLoader requestBinding;

        OnIdleTimeout(Predicate<TimeoutException> listener, ClassLoader requestBinding) {
            this.listener = listener;
            this.requestBinding = requestBinding;
        }

        @Override
        public boolean test(TimeoutException timeout) {
            Object captured = PendingTasks.take(this);
            if (captured == null) {
                // Jetty timed the connection out again before this listener answered the last time (two idle
                // timeouts close together, on two of its threads): this call is the request's too, counted as live
                // while it runs like the one that took the capture
                captured = requestBinding;
                PendingTasks.count(captured);
            }
            ClassLoader binding = ExecutorHooks.bindingOf(captured);
            Scope scope = Scope.run(binding);
            boolean again = false;
            try {
                boolean fails = listener.test(timeout);
                again = !fails;
                return fails;
            } catch (Throwable failure) {
                scope.failed(failure);
                throw failure;
            } finally {
                scope.close();
                if (again) {
                    PendingTasks.add(this, binding); // counted again before this run's count is released
                }
                ExecutorHooks.releaseRun(captured, binding, scope.state());
            }
        }

        @Override
        public String toString() {
            return listener.toString();
        }
    }
}
