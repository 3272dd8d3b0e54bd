package io.modulets.bootstrap;

/**
 * CompletableFuture (DESIGN §2.1): a dependent stage runs bound to the binding of the code that
 * registered it, on whichever thread completes it; a stage that fires its function is a task run.
 * Hooks of the capture rules {@code CompletableFutureRules}.
 */
public final class StageHooks {
    /** Stages (their Completion objects) with the binding of the code that registered them, where no field can hold it. */
    private static final WeakIdentityMap<ClassLoader> REGISTERED = new WeakIdentityMap<>();

    private StageHooks() {
    }

    /**
     * {@code CompletableFuture.Completion()}: a dependent stage is registered now, by the code that runs
     * now. Registered outside any task it follows the current generation, never a canary: it continues
     * the unbound code that registered it (§2.4) and is not counted as a task.
     */
    public static void onCompletionRegistered(Object completion) {
        ClassLoader binding = Bindings.effective();
        if (binding == null) {
            return;
        }
        if (Slots.COMPLETION != null) {
            Slots.COMPLETION.setRelease(completion, binding);
        } else {
            REGISTERED.put(completion, binding);
        }
    }

    private static ClassLoader registeredBinding(Object completion) {
        return Slots.COMPLETION != null ? (ClassLoader) Slots.COMPLETION.getAcquire(completion)
                : REGISTERED.get(completion);
    }

    /**
     * Replaces {@code completion.tryFire(mode)}: a dependent stage runs bound to the binding of the
     * code that registered it, on whichever thread completes it (§2.1).
     */
    public static Object fireCompletion(Object completion, int mode) throws Throwable {
        ClassLoader binding = registeredBinding(completion);
        if (binding == null) {
            return JdkMethods.TRY_FIRE.invokeExact(completion, mode);
        }
        // Not a Scope object, unlike the other hooks: with one, this method's first compiled code grew past
        // the JIT's limit for inlining it into CompletableFuture.postComplete, and the scope was
        // allocated on every fired stage (+32 bytes per stage in CaptureHooks.dependentStage). The same
        // steps, with the scope's state in locals.
        ThreadState state = ThreadState.current();
        ClassLoader previousBinding = state.bound;
        ClassLoader previousContext = Thread.currentThread().getContextClassLoader();
        boolean rebound = Bindings.bind(state, binding, previousBinding, previousContext);
        // A task run only if it fires its function here: not a relay, a waiting thread's wake-up, a
        // two-source stage whose other source is not done, nor an async stage handed to its executor.
        boolean run = rebound && stillToFire(completion);
        if (run) {
            TaskRuns.begin(state.runs, binding, true);
        }
        try {
            return JdkMethods.TRY_FIRE.invokeExact(completion, mode);
        } catch (Throwable failure) {
            if (run) {
                TaskRuns.failed(state.runs, failure);
            }
            throw failure;
        } finally {
            if (run) {
                TaskRuns.end(state.runs, !stillToFire(completion));
            }
            Scope.restore(state, previousBinding, previousContext, rebound, false);
            forgetIfFired(completion);
        }
    }

    /**
     * Whether the stage behind {@code completion} has a function still to fire. Throws nothing, so that
     * the scope around the firing never escapes through an exception edge (the JIT then never allocates it).
     */
    private static boolean stillToFire(Object completion) {
        try {
            return unfired(completion) != null;
        } catch (Throwable unreachable) { // the JDK's accessors of its own fields
            return false;
        }
    }

    /**
     * The dependent of the stage still to fire behind {@code completion} (a one- or two-source stage, or
     * the stage a {@code CoCompletion} links to), or null: it fired (or was handed to its executor, which keeps it
     * pending here), or it runs no application code — a relay, {@code anyOf}, the {@code Signaller} of a
     * thread waiting in {@code join()} or {@code get()}.
     */
    private static Object unfired(Object completion) throws Throwable {
        Object stage = completion;
        if (JdkMethods.CO_COMPLETION.isInstance(completion)) {
            stage = (Object) JdkMethods.CO_BASE.invokeExact(completion);
            if (stage == null) {
                return null;
            }
        } else if (!JdkMethods.UNI_COMPLETION.isInstance(completion)) {
            return null;
        }
        Class<?> type = stage.getClass();
        if (type == JdkMethods.UNI_RELAY || type == JdkMethods.BI_RELAY) {
            return null;
        }
        // its dependent: null once it fired (a CoCompletion keeps its base when the stage has no dependents)
        return (Object) JdkMethods.DEPENDENT.invokeExact(stage);
    }

    /**
     * {@code CompletableFuture.completeThrowable(ex)}: a stage's own function, or an async task's
     * supplier, threw {@code failure} and the JDK caught it (a failure passed on from the stage's source
     * goes through {@code completeThrowable(ex, result)} and is not counted again).
     */
    public static void onStageFailed(Throwable failure) {
        TaskRuns.failed(failure);
    }

    /**
     * A stage whose dependent is gone has fired, or was claimed and handed to an executor (which
     * captured the binding): its registration is no longer needed. Dropping it at once keeps the map
     * small; a stage that never fires is dropped when collected.
     */
    private static void forgetIfFired(Object completion) throws Throwable {
        if (Slots.COMPLETION == null && JdkMethods.UNI_COMPLETION.isInstance(completion)
                && (Object) JdkMethods.DEPENDENT.invokeExact(completion) == null) {
            REGISTERED.remove(completion);
        }
    }
}
