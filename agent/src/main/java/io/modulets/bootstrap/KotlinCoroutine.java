package io.modulets.bootstrap;

/**
 * What a Kotlin coroutine carries in its context's element ({@link CoroutineHooks}): its binding, counted live
 * in {@link PendingTasks} from the moment it is known until the coroutine that owns it completes, or the
 * coroutine is collected without completing (a coroutine suspended for good). Its class name is what the drain
 * warning shows for a coroutine that keeps a generation draining.
 */
final class KotlinCoroutine {
    /** The binding; for a coroutine made by an unbound thread, null until its first resumption draws it. */
    private volatile ClassLoader binding;
    /** The coroutine that ends it (the first made with its element), or null before one is made. */
    private Object owner;
    private boolean ended;

    private KotlinCoroutine(ClassLoader binding) {
        this.binding = binding;
    }

    /** A coroutine made now, by the running thread: the child of the task it runs, if any. */
    static KotlinCoroutine made() {
        ClassLoader bound = Bindings.bound();
        KotlinCoroutine made = new KotlinCoroutine(bound);
        if (bound != null) {
            PendingTasks.add(made, bound);
        }
        return made;
    }

    /**
     * The binding of a resumption: the one it carries, or for a root coroutine the binding of a root task
     * drawn now (the current generation, or a canary's draw), kept for its later resumptions.
     */
    ClassLoader binding() {
        ClassLoader known = binding;
        return known != null ? known : draw();
    }

    private synchronized ClassLoader draw() {
        if (binding == null) {
            ClassLoader drawn = Bindings.rootBinding();
            if (ended || drawn == null) {
                return drawn; // resumed after it completed (or before generation 1): counted for the step only
            }
            PendingTasks.add(this, drawn);
            binding = drawn;
        }
        return binding;
    }

    synchronized void claim(Object coroutine) {
        if (owner == null) {
            owner = coroutine;
        }
    }

    /** {@code coroutine} completed: if it is the owner, the coroutine stops counting. */
    void completed(Object coroutine) {
        synchronized (this) {
            if (owner != coroutine || ended) {
                return;
            }
            ended = true;
        }
        PendingTasks.removeAll(this);
    }
}
