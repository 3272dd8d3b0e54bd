package io.modulets.bootstrap;

import java.util.concurrent.Callable;

/**
 * {@link BoundTask} for a {@code Callable}: one a request schedules on a server's own event loop
 * ({@code schedule(Callable, delay, unit)} of Netty's), carried to its call with the binding it captured.
 */
final class BoundCallable<V> implements Callable<V> {
    private final Callable<V> task;

    BoundCallable(Callable<V> task) {
        this.task = task;
    }

    @Override
    public V call() throws Exception {
        Object captured = PendingTasks.take(this);
        if (captured == null) {
            return task.call();
        }
        ClassLoader binding = ExecutorHooks.bindingOf(captured);
        Scope scope = Scope.run(binding);
        try {
            return task.call();
        } catch (Throwable failure) {
            scope.failed(failure);
            throw failure;
        } finally {
            scope.close();
            ExecutorHooks.releaseRun(captured, binding, scope.state());
        }
    }

    @Override
    public String toString() {
        return task.toString();
    }
}
