package io.modulets.generations;

import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.lang.ref.Reference;
import java.lang.ref.ReferenceQueue;
import java.time.Instant;
import java.util.concurrent.atomic.AtomicBoolean;

import javax.management.Notification;
import javax.management.NotificationEmitter;
import javax.management.openmbean.CompositeData;

import com.sun.management.GarbageCollectionNotificationInfo;

import io.modulets.bootstrap.Bindings;
import io.modulets.bootstrap.ThreadHooks;
import io.modulets.config.Log;
import io.modulets.loader.GenerationClassLoader;

/**
 * Observes the end of retired generations: a daemon thread takes the weak references of collected
 * loaders from their queue and marks those generations unloaded; a listener on the collectors'
 * notifications reports, once per retirement, a retired generation that survived a full
 * collection, with what pins it (DESIGN §6), and, once per draining, what still holds a draining one.
 */
final class Unloads implements Runnable {
    private final Registry registry;
    private final ReferenceQueue<GenerationClassLoader> collected;
    private final AtomicBoolean listening = new AtomicBoolean();

    Unloads(Registry registry, ReferenceQueue<GenerationClassLoader> collected) {
        this.registry = registry;
        this.collected = collected;
    }

    void start() {
        Thread thread = ThreadHooks.agentThread(this, "modulets-unloads");
        thread.setContextClassLoader(null);
        thread.start();
    }

    @Override
    public void run() {
        try {
            while (true) {
                Reference<? extends GenerationClassLoader> reference = collected.remove();
                try {
                    if (reference instanceof Generation.LoaderReference loaderReference) {
                        registry.unloaded(loaderReference.generation);
                    }
                } catch (Throwable e) {
                    // one generation's record (a listener of it) must not end the watching of the others
                    Log.error("observing unloads: %s; still observing", Log.oneLine(e));
                }
            }
        } catch (InterruptedException stop) {
            Thread.currentThread().interrupt();
        } catch (Throwable e) {
            Log.error("the modulets-unloads thread stopped (%s): generations are no longer marked unloaded;"
                    + " deploys, rollbacks and tasks still work", Log.oneLine(e));
        }
    }

    /** A generation retired: from now on, look at full collections (set up once, on first need). */
    void watch() {
        if (!listening.compareAndSet(false, true)) {
            return;
        }
        try {
            for (GarbageCollectorMXBean collector : ManagementFactory.getGarbageCollectorMXBeans()) {
                if (collector instanceof NotificationEmitter emitter) {
                    emitter.addNotificationListener((notification, handback) -> collected(notification), null, null);
                }
            }
        } catch (RuntimeException | LinkageError e) {
            // jdk.management left out of the runtime image: unloading is still observed, pins are not logged
            Log.debug("no collector notifications (%s): pins of retired generations are not logged", e);
        }
    }

    private void collected(Notification notification) {
        if (!GarbageCollectionNotificationInfo.GARBAGE_COLLECTION_NOTIFICATION.equals(notification.getType())) {
            return;
        }
        GarbageCollectionNotificationInfo info =
                GarbageCollectionNotificationInfo.from((CompositeData) notification.getUserData());
        if (!isFull(info)) {
            return;
        }
        Instant start = Instant.ofEpochMilli(ManagementFactory.getRuntimeMXBean().getStartTime()
                + info.getGcInfo().getStartTime());
        for (Generation g : registry.survivorsOf(start)) {
            PinReport report = Pins.report(g);
            Generation.State state = report.state();
            if (state == Generation.State.RETIRED) {
                Log.warn("%s retired at %s and survived a full collection; %s", g, g.since(state), report.summary());
            } else if (state == Generation.State.DRAINING) {
                Log.info("%s draining since %s, after a full collection; %s", g, g.since(state), report.summary());
            }
        }
    }

    /** A collection that unloads classes whatever the collector: a full one, or one asked for by System.gc(). */
    static boolean isFull(GarbageCollectionNotificationInfo info) {
        return info.getGcAction().contains("major") || "System.gc()".equals(info.getGcCause());
    }
}
