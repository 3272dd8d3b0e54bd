package io.modulets.boundary;

import java.lang.invoke.MutableCallSite;
import java.util.List;
import java.util.function.Supplier;

import io.modulets.bootstrap.Bindings;

/**
 * Re-targets every method's {@link TokenSite} after the phase changed (one live generation, or
 * several), on a thread of its own. Each re-target of a site that compiled code inlined is a
 * handshake with every thread (BoundaryLinks), so thousands of them take a second or more: not
 * on the publishing thread, which holds the registry, and not on a task's thread. Until a token
 * site is re-targeted its stale target is still correct: it only costs time (see TokenSite).
 * Requests that arrive during a pass are served by one more pass.
 */
final class TokenRelinker implements Runnable {
    private static TokenRelinker instance;

    private final Supplier<List<TokenSite>> sites;
    /** Guarded by this. */
    private boolean requested;

    private TokenRelinker(Supplier<List<TokenSite>> sites) {
        this.sites = sites;
    }

    /** Asks for a pass over {@code sites}, starting the thread on the first request. */
    static synchronized void request(Supplier<List<TokenSite>> sites) {
        if (instance == null) {
            instance = new TokenRelinker(sites);
            Thread thread = new Thread(instance, "modulets-token-relinker");
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
                List<TokenSite> all = sites.get();
                for (TokenSite site : all) {
                    site.relinkNow();
                }
                if (!all.isEmpty()) {
                    MutableCallSite.syncAll(all.toArray(new MutableCallSite[0]));
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
