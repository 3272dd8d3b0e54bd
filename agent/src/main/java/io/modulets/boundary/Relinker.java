package io.modulets.boundary;

import io.modulets.bootstrap.ThreadHooks;
import io.modulets.config.Log;

/**
 * Runs {@link BoundaryLinks}' catch-up pass after a publish or a retirement on a thread of its
 * own: it links every site in the new epoch (while it runs, calls on a site whose epoch ended are
 * made from the site's cache without linking it, so that a request thread does not pay for
 * thousands of links in one round), and re-targets every method's
 * {@link TokenSite} when the phase changed. A re-target of a token site that compiled code
 * inlined is a handshake with every thread, so thousands of them take a second or more: not on
 * the publishing thread, which holds the registry, and not on a task's thread. Until a token site
 * is re-targeted its stale target is still correct: it only costs time. Requests that arrive
 * during a pass are served by one more pass.
 */
final class Relinker implements Runnable {
    private final Runnable pass;
    /** A pass is asked for or under way. */
    private volatile boolean busy;
    /** Guarded by this. */
    private boolean requested;
    /** The thread, once the first request started it; null again if it stopped. Guarded by this. */
    private Thread thread;
    /** The links this relinker served were replaced: no thread is started any more. Guarded by this. */
    private boolean stopped;

    /** A relinker that runs {@code pass} (always the same one) on a thread of its own, from the first request on. */
    Relinker(Runnable pass) {
        this.pass = pass;
    }

    /** Asks for a run of the pass, starting the thread on the first request. */
    synchronized void request() {
        if (stopped) {
            return;
        }
        if (thread == null) {
            thread = ThreadHooks.agentThread(this, "modulets-relinker");
            thread.start();
        }
        requested = true;
        busy = true;
        notifyAll();
    }

    /**
     * Whether a pass is asked for or under way: a site whose epoch ended then leaves its linking to
     * the pass (see InlineCacheSite#awaitsRelinker).
     */
    boolean busy() {
        return busy;
    }

    /** Waits at most {@code millis} until no pass is asked for or under way; whether that came. */
    boolean awaitIdle(long millis) throws InterruptedException {
        long deadline = System.nanoTime() + millis * 1_000_000L;
        synchronized (this) {
            for (long left = millis; busy && left > 0; left = (deadline - System.nanoTime()) / 1_000_000L) {
                wait(left);
            }
        }
        return !busy;
    }

    /** Its links were replaced: the thread ends after the pass under way, if any, and none starts again. */
    synchronized void stop() {
        stopped = true;
        requested = false;
        if (thread != null) {
            thread.interrupt();
        }
    }

    private synchronized void awaitRequest() throws InterruptedException {
        if (!requested) {
            busy = false;
            notifyAll();
        }
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
                runPass();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            ended("interrupted");
        } catch (Throwable e) {
            ended(e.getClass().getName());
        }
    }

    /** One pass; whatever it throws, an Error or a checked exception thrown sneakily included, ends only the pass. */
    private void runPass() {
        try {
            pass.run();
        } catch (Throwable e) {
            try {
                Log.warn("the boundary's relinking pass failed (sites relink at their next call): %s",
                        Log.oneLine(e));
            } catch (Throwable logging) {
                // out of memory even for the line: the pass is over all the same, and the thread goes on
            }
        }
    }

    /**
     * The thread ends: its links were replaced (said nowhere), or, the last resort, it was interrupted or
     * something beyond one pass failed. Sites no longer wait for it, and the next request starts another.
     */
    private void ended(String why) {
        boolean replaced;
        synchronized (this) {
            thread = null;
            busy = false;
            replaced = stopped;
            notifyAll();
        }
        if (replaced) {
            return;
        }
        try {
            Log.error("the boundary's relinker thread stopped (%s): sites link at their next call until the next"
                    + " publish starts another; tasks and deploys are not affected", why);
        } catch (Throwable e) {
            // nothing is left to tell it with
        }
    }
}
