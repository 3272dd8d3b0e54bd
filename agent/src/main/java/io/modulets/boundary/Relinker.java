package io.modulets.boundary;

import io.modulets.bootstrap.Bindings;

/**
 * Runs {@link BoundaryLinks}' catch-up pass after a publish or a retirement on a thread of its
 * own: it links every site in the new epoch ahead of its next call (each site relinks itself at
 * its first call otherwise; whichever comes first does it), and re-targets every method's
 * {@link TokenSite} when the phase changed. A re-target of a token site that compiled code
 * inlined is a handshake with every thread, so thousands of them take a second or more: not on
 * the publishing thread, which holds the registry, and not on a task's thread. Until a token site
 * is re-targeted its stale target is still correct: it only costs time. Requests that arrive
 * during a pass are served by one more pass.
 */
final class Relinker implements Runnable {
    private static Relinker instance;

    private final Runnable pass;
    /** Guarded by this. */
    private boolean requested;

    private Relinker(Runnable pass) {
        this.pass = pass;
    }

    /** Asks for a run of {@code pass} (always the same one), starting the thread on the first request. */
    static synchronized void request(Runnable pass) {
        if (instance == null) {
            instance = new Relinker(pass);
            Thread thread = new Thread(instance, "modulets-relinker");
            thread.setDaemon(true);
            Bindings.neverBind(thread); // the agent's own thread: never a task, never a generation's
            thread.start();
        }
        instance.ask();
    }

    private synchronized void ask() {
        requested = true;
        notifyAll();
    }

    private synchronized void awaitRequest() throws InterruptedException {
        while (!requested) {
            wait();
        }
        requested = false;
    }

    @Override
    public void run() {
        try {
            while (true) {
                awaitRequest();
                pass.run();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
