package io.modulets.bootstrap;

import java.lang.invoke.VarHandle;

/**
 * CompletableFuture (DESIGN §2.1): a dependent stage runs bound to the binding of the code that
 * registered it, on whichever thread completes it; a stage that fires its function is a task run.
 * Hooks of the capture rules {@code CompletableFutureRules}.
 */
public final class StageHooks {
    /** Stages (their Completion objects) with the binding of the code that registered them, where no field can hold it. */
    private static final WeakIdentityMap<ClassLoader> REGISTERED = new WeakIdentityMap<>();
    /** The field {@code Completion} took as it loaded, or null (then {@link #REGISTERED}). */
    static final VarHandle COMPLETION = Slots.completion();

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
        if (COMPLETION != null) {
            COMPLETION.setRelease(completion, binding);
        } else {
            REGISTERED.put(completion, binding);
        }
    }

    private static ClassLoader registeredBinding(Object completion) {
        return COMPLETION != null ? (ClassLoader) COMPLETION.getAcquire(completion)
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
        try {
            // A task run only if it fires its function here: not a relay, a waiting thread's wake-up, a
            // two-source stage whose other source is not done, nor an async stage handed to its executor.
            if (rebound && stillToFire(completion)) {
                return fireAsRun(state, completion, mode, binding);
            }
            Object fired = JdkMethods.TRY_FIRE.invokeExact(completion, mode);
            if (mode > 0 && state.firing == completion && !stillToFire(completion)) {
                // run by its executor at once, inside the hand-over of the firing that waits for it (a direct executor)
                state.firedHere = true;
            }
            return fired;
        } finally {
            Scope.restore(state, previousBinding, previousContext, rebound, false);
            forgetIfFired(completion);
        }
    }

    /**
     * Fires {@code completion} as a tentative run of {@code binding}, counted if its function runs on this thread
     * within the call. Decided by who claims it, not by whether its dependent is gone afterwards: an async stage
     * handed to its executor may have run there and cleared it before this thread looks again (which counted the
     * hand-over as a second run), and of two threads firing a two-source stage at once only one runs it.
     * ({@code claim()} says so on the thread that fires it synchronously, {@link #onClaim}; in ASYNC mode, the
     * executor's own call, nothing else can fire it.)
     */
    private static Object fireAsRun(ThreadState state, Object completion, int mode, ClassLoader binding)
            throws Throwable {
        Object outerFiring = state.firing;
        boolean outerFired = state.firedHere;
        state.firing = claimant(completion);
        state.firedHere = false;
        TaskRuns.begin(state.runs, binding, true);
        try {
            return JdkMethods.TRY_FIRE.invokeExact(completion, mode);
        } catch (Throwable failure) {
            TaskRuns.failed(state.runs, failure);
            throw failure;
        } finally {
            boolean ran = mode > 0 ? !stillToFire(completion) : state.firedHere;
            state.firing = outerFiring;
            state.firedHere = outerFired;
            TaskRuns.end(state.runs, ran);
        }
    }

    /**
     * {@code UniCompletion.claim()} returned {@code claimed}: true on the one thread that is to run the stage's
     * function now, synchronously (an async stage's claim hands it to its executor and returns false). Recorded
     * for the stage a counting firing on this thread waits for; a stage registered outside any task costs one
     * field read.
     */
    public static void onClaim(boolean claimed, Object completion) {
        if (claimed && registeredBinding(completion) != null) {
            ThreadState state = ThreadState.current();
            if (state.firing == completion) {
                state.firedHere = true;
            }
        }
    }

    /** The stage whose {@code claim()} runs the function behind {@code completion}: a CoCompletion's base. */
    private static Object claimant(Object completion) {
        try {
            return JdkMethods.CO_COMPLETION.isInstance(completion)
                    ? (Object) JdkMethods.CO_BASE.invokeExact(completion) : completion;
        } catch (Throwable unreachable) { // the JDK's accessor of its own field
            return completion;
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
        if (COMPLETION == null && JdkMethods.UNI_COMPLETION.isInstance(completion)
                && (Object) JdkMethods.DEPENDENT.invokeExact(completion) == null) {
            REGISTERED.remove(completion);
        }
    }
}
