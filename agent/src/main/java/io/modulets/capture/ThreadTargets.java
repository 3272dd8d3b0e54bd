package io.modulets.capture;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.security.AccessControlContext;
import java.security.ProtectionDomain;
import java.util.function.Consumer;
import java.util.function.Function;

/**
 * Reads the Runnable a platform thread was constructed with: {@code Thread.target} on 17,
 * {@code Thread.holder.task} from 19 on. Needs {@code java.lang} opened to the agent.
 */
final class ThreadTargets {
    private ThreadTargets() {
    }

    static Function<Thread, Object> reader() throws ReflectiveOperationException {
        MethodHandles.Lookup threadLookup = MethodHandles.privateLookupIn(Thread.class, MethodHandles.lookup());
        try {
            VarHandle target = threadLookup.findVarHandle(Thread.class, "target", Runnable.class);
            return new Function<>() { // classes, not lambdas: made in premain (see HookFunctions)
                @Override
                public Object apply(Thread thread) {
                    return target.get(thread);
                }
            };
        } catch (NoSuchFieldException notJdk17) {
            Class<?> holderClass = Class.forName("java.lang.Thread$FieldHolder");
            VarHandle holder = threadLookup.findVarHandle(Thread.class, "holder", holderClass);
            VarHandle task = MethodHandles.privateLookupIn(holderClass, MethodHandles.lookup())
                    .findVarHandle(holderClass, "task", Runnable.class);
            return new Function<>() {
                @Override
                public Object apply(Thread thread) {
                    Object fields = holder.get(thread);
                    return fields == null ? null : task.get(fields);
                }
            };
        }
    }

    /** Does nothing to a thread. */
    private static final Consumer<Thread> UNCHANGED = new Consumer<>() {
        @Override
        public void accept(Thread thread) {
        }
    };

    /**
     * Up to JDK 23 a thread keeps its creator's access control context ({@code
     * Thread.inheritedAccessControlContext}), whose protection domains name the loader of every
     * frame on the creator's stack: this returns what replaces it with an empty context. Without a
     * SecurityManager nothing checks that context, so emptying it changes no behaviour; with one
     * it is left alone (and the pin report names it). JDK 24+ has no such field: a no-op.
     */
    @SuppressWarnings("removal")
    static Consumer<Thread> creatorForgetter() throws ReflectiveOperationException {
        if (System.getSecurityManager() != null) {
            return UNCHANGED;
        }
        VarHandle inherited;
        try {
            inherited = MethodHandles.privateLookupIn(Thread.class, MethodHandles.lookup())
                    .findVarHandle(Thread.class, "inheritedAccessControlContext", AccessControlContext.class);
        } catch (NoSuchFieldException jdk24) {
            return UNCHANGED;
        }
        AccessControlContext none = new AccessControlContext(new ProtectionDomain[0]);
        return new Consumer<>() {
            @Override
            public void accept(Thread thread) {
                inherited.set(thread, none);
            }
        };
    }

    /** The virtual-thread scheduler (21+: {@code VirtualThread.DEFAULT_SCHEDULER}), or null. */
    static Object virtualThreadScheduler() {
        try {
            Class<?> virtual = Class.forName("java.lang.VirtualThread");
            java.lang.reflect.Field field = virtual.getDeclaredField("DEFAULT_SCHEDULER");
            return MethodHandles.privateLookupIn(virtual, MethodHandles.lookup()).unreflectVarHandle(field).get();
        } catch (ReflectiveOperationException | RuntimeException absent) {
            return null;
        }
    }
}
