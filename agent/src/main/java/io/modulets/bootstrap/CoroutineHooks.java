package io.modulets.bootstrap;

import java.lang.invoke.MethodHandle;
import java.util.function.Function;

/**
 * Kotlin coroutines (DESIGN §2.1, "continuations"): a coroutine carries the binding of the task that made it,
 * in an element of its context that kotlinx.coroutines calls at each resumption on any thread (a {@code
 * ThreadContextElement}, as OpenTelemetry's agent carries its context). The element's class implements
 * kotlinx's interfaces, so it is made in the loader of kotlinx ({@code CoroutineElements} in the agent); this
 * class holds what it calls, and what the rewritten {@code newCoroutineContext} and {@code AbstractCoroutine}
 * call. The library's own threads (its dispatchers' workers, its timer) are loops and never bound.
 *
 * <p>A coroutine made by a bound thread (a request, a task, another coroutine) carries that binding; one made
 * by an unbound thread is a root task, bound where it first resumes, as a request is where it is dispatched. It
 * counts as live from then until it completes (or is collected without completing), so its generation drains
 * until its last step ran. {@code withContext} runs its block as part of the coroutine that calls it, with that
 * coroutine's element; a coroutine that shares its parent's context ({@code coroutineScope}) is part of it too.
 */
public final class CoroutineHooks {
    /**
     * The handles of the element class for the kotlinx of a class (its loader), made on first use; set once by
     * the agent. In order: make(carried), plus(context, element), elementOf(context), carriedOf(element),
     * contextOf(coroutine).
     */
    public static volatile Function<Class<?>, MethodHandle[]> elements = NoHook.instance();

    private static final int MAKE = 0;
    private static final int PLUS = 1;
    private static final int ELEMENT_OF = 2;
    private static final int CARRIED_OF = 3;
    private static final int CONTEXT_OF = 4;

    private static final ClassValue<MethodHandle[]> HANDLES = new ClassValue<>() {
        @Override
        protected MethodHandle[] computeValue(Class<?> anchor) {
            return elements.apply(anchor);
        }
    };

    private CoroutineHooks() {
    }

    /**
     * {@code CoroutineScope.newCoroutineContext(context)} returns {@code context} for a new coroutine
     * ({@code launch}, {@code async}, {@code runBlocking}, {@code produce}): it gets an element of its own,
     * carrying the binding of the thread that makes it, or none (a root task, bound at its first resumption).
     */
    public static Object onNewCoroutine(Object context, Class<?> anchor) {
        MethodHandle[] handles = context == null ? null : HANDLES.get(anchor);
        if (handles == null) {
            return context;
        }
        try {
            Object element = (Object) handles[MAKE].invokeExact((Object) KotlinCoroutine.made());
            return (Object) handles[PLUS].invokeExact(context, element);
        } catch (Throwable failure) {
            throw new IllegalStateException("modulets: cannot add the coroutine's binding", failure);
        }
    }

    /**
     * {@code oldContext.newCoroutineContext(added)} returns {@code context} for {@code withContext}: its block is
     * part of the calling coroutine and keeps that coroutine's element (also if {@code added} brought another
     * coroutine's); called where the caller has none, the block is a coroutine of its own.
     */
    public static Object onWithContext(Object context, Object oldContext, Class<?> anchor) {
        MethodHandle[] handles = context == null ? null : HANDLES.get(anchor);
        if (handles == null) {
            return context;
        }
        try {
            Object caller = (Object) handles[ELEMENT_OF].invokeExact(oldContext);
            if (caller == null) {
                return onNewCoroutine(context, anchor);
            }
            return (Object) handles[ELEMENT_OF].invokeExact(context) == caller ? context
                    : (Object) handles[PLUS].invokeExact(context, caller);
        } catch (Throwable failure) {
            throw new IllegalStateException("modulets: cannot keep the coroutine's binding", failure);
        }
    }

    /**
     * An {@code AbstractCoroutine} is made with {@code parentContext}: the first made with an element owns it
     * and ends it when it completes; a later one with the same element (a scope of the same coroutine, {@code
     * withContext}'s) is part of the owner.
     */
    public static void onCoroutine(Object coroutine, Object parentContext, Class<?> anchor) {
        KotlinCoroutine carried = carried(parentContext, anchor);
        if (carried != null) {
            carried.claim(coroutine);
        }
    }

    /** {@code AbstractCoroutine.onCompletionInternal}: the coroutine completed; if it owns its element, it ends. */
    public static void onCompleted(Object coroutine, Class<?> anchor) {
        MethodHandle[] handles = HANDLES.get(anchor);
        if (handles == null) {
            return;
        }
        try {
            KotlinCoroutine carried = carried((Object) handles[CONTEXT_OF].invokeExact(coroutine), anchor);
            if (carried != null) {
                carried.completed(coroutine);
            }
        } catch (Throwable failure) {
            throw new IllegalStateException("modulets: cannot end the coroutine's binding", failure);
        }
    }

    private static KotlinCoroutine carried(Object context, Class<?> anchor) {
        MethodHandle[] handles = context == null ? null : HANDLES.get(anchor);
        if (handles == null) {
            return null;
        }
        try {
            Object element = (Object) handles[ELEMENT_OF].invokeExact(context);
            return element == null ? null : (KotlinCoroutine) (Object) handles[CARRIED_OF].invokeExact(element);
        } catch (Throwable failure) {
            throw new IllegalStateException("modulets: cannot read the coroutine's binding", failure);
        }
    }

    /**
     * The element's {@code updateThreadContext}: the coroutine resumes on this thread, bound to its binding;
     * returns what {@link #suspended} restores.
     */
    public static Object resumed(Object carried) {
        ClassLoader binding = ((KotlinCoroutine) carried).binding();
        if (binding == null) {
            return null;
        }
        PendingTasks.count(binding); // live while this step runs, even if the coroutine completes in it
        return new Resumed(Scope.run(binding), binding);
    }

    /** The element's {@code restoreThreadContext}: the step is over (the coroutine suspended or completed). */
    public static void suspended(Object resumed) {
        if (resumed instanceof Resumed) {
            ((Resumed) resumed).scope.close();
            PendingTasks.release(((Resumed) resumed).binding);
        }
    }

    /** One step of a coroutine on a thread. */
    private static final class Resumed {
        final Scope scope;
        final ClassLoader binding;

        Resumed(Scope scope, ClassLoader binding) {
            this.scope = scope;
            this.binding = binding;
        }
    }
}
