package io.modulets.generations;

import java.io.IOException;
import java.net.MalformedURLException;
import java.net.URL;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import io.modulets.boundary.BoundaryLinks;
import io.modulets.config.Log;
import io.modulets.config.PackageFilter;
import io.modulets.loader.GenerationClassLoader;

/**
 * The generations of this JVM and the current one. Activation snapshots the jars into the store,
 * reuses a loaded generation of the same content, and publishes the new current generation in
 * one volatile write, which new root tasks read when they are submitted.
 */
public final class Registry {
    private final Store store;
    private final PackageFilter filter;
    private final ClassLoader shell;
    private final List<Generation> generations = new ArrayList<>();
    private volatile Generation current;
    private int lastSequence;
    /** The registry of this JVM, for {@link #retireForTests} only. */
    private static volatile Registry instance;

    public Registry(Store store, PackageFilter filter, ClassLoader shell) {
        this.store = store;
        this.filter = filter;
        this.shell = shell;
        instance = this;
    }

    /**
     * Test-only path until real retirement lands (issue 5, lifecycle): forgets generation
     * {@code sequence}, which must not be current, without looking at its live tasks, and has the
     * boundary drop every call-site target into it, so that its classes can unload. The boundary
     * ITs reach it through reflection.
     */
    public static boolean retireForTests(int sequence) {
        Registry registry = instance;
        if (registry == null) {
            return false;
        }
        synchronized (registry) {
            for (Generation g : registry.generations) {
                if (g.sequence() == sequence && g != registry.current) {
                    registry.generations.remove(g);
                    BoundaryLinks.retire(g.loader());
                    Log.info("%s retired (test path)", g);
                    return true;
                }
            }
            return false;
        }
    }

    /**
     * Makes the content of {@code jars} the current generation. On failure (unreadable jar, full
     * disk, …) nothing changes and the exception's message is the one-line reason.
     */
    public synchronized Generation activate(List<Path> jars) throws IOException {
        return activate(store.snapshot(jars));
    }

    /**
     * Makes a snapshot already in the store current: the deployer snapshots and verifies first,
     * so that the bytes it checked are the bytes the generation loads.
     */
    public synchronized Generation activate(Snapshot snapshot) throws IOException {
        Generation before = current;
        if (before != null && before.hash().equals(snapshot.hash())) {
            return before;
        }
        Generation next = loaded(snapshot.hash());
        if (next == null) {
            next = create(snapshot);
        }
        current = next;
        BoundaryLinks.publish(next.loader());
        Log.info("%s is current%s", next, before == null ? "" : " (was " + before.sequence() + ")");
        return next;
    }

    public Generation current() {
        return current;
    }

    public synchronized List<Generation> all() {
        return List.copyOf(generations);
    }

    private Generation loaded(String hash) {
        for (Generation g : generations) {
            if (g.hash().equals(hash)) {
                return g;
            }
        }
        return null;
    }

    private Generation create(Snapshot snapshot) throws IOException {
        Generation generation = new Generation(++lastSequence, snapshot, Instant.now());
        generation.attach(new GenerationClassLoader("modulets-gen-" + generation.sequence(), urls(snapshot),
                shell, filter, generation));
        generations.add(generation);
        return generation;
    }

    private static URL[] urls(Snapshot snapshot) throws IOException {
        List<Path> paths = snapshot.paths();
        URL[] urls = new URL[paths.size()];
        for (int i = 0; i < urls.length; i++) {
            try {
                urls[i] = paths.get(i).toUri().toURL();
            } catch (MalformedURLException e) {
                throw new IOException("modulets: bad snapshot path " + paths.get(i), e);
            }
        }
        return urls;
    }
}
