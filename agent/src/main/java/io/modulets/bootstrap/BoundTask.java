package io.modulets.bootstrap;

/**
 * The one wrapper: a task handed to an executor the agent does not know from inside (named by the
 * {@code executors} agent argument). Its run loop is the application's, so there is no place to store
 * the binding beside the task and bind around its run; the wrapper carries the task to its run.
 */
final class BoundTask implements Runnable {
    private final Runnable task;

    BoundTask(Runnable task) {
        this.task = task;
    }

    /** The application's task, for diagnostics. */
    Runnable task() {
        return task;
    }

    @Override
    public void run() {
        ExecutorHooks.runCaptured(this, task);
    }

    @Override
    public String toString() {
        return task.toString();
    }
}
