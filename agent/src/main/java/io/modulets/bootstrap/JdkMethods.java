package io.modulets.bootstrap;

import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ForkJoinTask;

/**
 * Non-public JDK methods that a hook must call in place of the instrumented call: the hook stays a
 * plain static method with a try/finally, so the JDK method around it needs no new frames. Constant
 * method handles, so the JIT inlines them. Needs {@code java.util.concurrent} opened to this module.
 * Made when a hook first needs one (the handles spin a few classes that an application without fork/join
 * tasks or stages would pay at every start); the capture package's {@code JdkMembers} checks, from each class file
 * as it loads, that each member exists with these types: a JDK without them gets one error line and that class is
 * left as it is, rather than rewritten to call a handle that would fail in a task.
 */
final class JdkMethods {
    /** {@code ForkJoinTask.exec()}, protected. */
    static final MethodHandle EXEC;
    /** {@code CompletableFuture.Completion.tryFire(int)}, package-private; as {@code (Object,int)Object}. */
    static final MethodHandle TRY_FIRE;
    /** {@code CompletableFuture.UniCompletion}, the stages with a dependent (binary ones too). */
    static final Class<?> UNI_COMPLETION;
    /** {@code UniCompletion.dep}, null once the stage fired (an async stage: once its executor ran it); as {@code (Object)Object}. */
    static final MethodHandle DEPENDENT;
    /** {@code CompletableFuture.CoCompletion}: the second source's link to a two-source stage. */
    static final Class<?> CO_COMPLETION;
    /** {@code CoCompletion.base}, the two-source stage, null once it fired; as {@code (Object)Object}. */
    static final MethodHandle CO_BASE;
    /** {@code UniRelay} and {@code BiRelay}: stages that pass a result on and run no application code. */
    static final Class<?> UNI_RELAY;
    static final Class<?> BI_RELAY;

    static {
        try {
            MethodHandles.Lookup lookup = MethodHandles.lookup();
            EXEC = MethodHandles.privateLookupIn(ForkJoinTask.class, lookup)
                    .findVirtual(ForkJoinTask.class, "exec", MethodType.methodType(boolean.class));
            Class<?> completion = Class.forName("java.util.concurrent.CompletableFuture$Completion");
            TRY_FIRE = MethodHandles.privateLookupIn(completion, lookup)
                    .findVirtual(completion, "tryFire", MethodType.methodType(CompletableFuture.class, int.class))
                    .asType(MethodType.methodType(Object.class, Object.class, int.class));
            UNI_COMPLETION = Class.forName("java.util.concurrent.CompletableFuture$UniCompletion");
            DEPENDENT = MethodHandles.privateLookupIn(UNI_COMPLETION, lookup)
                    .findGetter(UNI_COMPLETION, "dep", CompletableFuture.class)
                    .asType(MethodType.methodType(Object.class, Object.class));
            CO_COMPLETION = Class.forName("java.util.concurrent.CompletableFuture$CoCompletion");
            CO_BASE = MethodHandles.privateLookupIn(CO_COMPLETION, lookup)
                    .findGetter(CO_COMPLETION, "base",
                            Class.forName("java.util.concurrent.CompletableFuture$BiCompletion"))
                    .asType(MethodType.methodType(Object.class, Object.class));
            UNI_RELAY = Class.forName("java.util.concurrent.CompletableFuture$UniRelay");
            BI_RELAY = Class.forName("java.util.concurrent.CompletableFuture$BiRelay");
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    private JdkMethods() {
    }
}
