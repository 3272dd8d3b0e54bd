package matrix;

import java.util.concurrent.BlockingQueue;
import java.util.concurrent.Executor;
import java.util.concurrent.LinkedBlockingQueue;

/** An executor the JDK does not know: one thread looping over its own queue (named by executors=). */
public final class EventLoop implements Executor {
    private final BlockingQueue<Runnable> queue = new LinkedBlockingQueue<>();
    private final Thread thread;

    public EventLoop() {
        thread = new Thread(this::loop, "event-loop");
        thread.setDaemon(true);
        thread.start();
    }

    @Override
    public void execute(Runnable task) {
        queue.add(task);
    }

    /** Ends the loop thread and waits for it. */
    public void stop() throws InterruptedException {
        thread.interrupt();
        thread.join(10_000);
    }

    private void loop() {
        while (true) {
            Runnable task;
            try {
                task = queue.take();
            } catch (InterruptedException e) {
                return;
            }
            try {
                task.run();
            } catch (RuntimeException e) {
                // an event loop survives a failing task
            }
        }
    }
}
