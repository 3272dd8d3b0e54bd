package io.modulets.capture;

import java.lang.invoke.MethodHandle;
import java.util.function.Function;
import java.util.function.Predicate;
import java.util.function.Supplier;

/**
 * The functions capture gives the bootstrap hooks ({@link CaptureTransformer#install}) that hold no state. Classes,
 * not method references: they are made in premain, where each method reference would be a class spun by
 * {@code LambdaMetafactory} (docs/PERFORMANCE.md, start-up). The ones that capture a {@code VarHandle}
 * ({@link ThreadTargets}, {@link TaskAdapters}) stay lambdas: a lambda's captured values are constants to the JIT,
 * an object's final fields are not.
 */
final class HookFunctions {
    private HookFunctions() {
    }

    static final Predicate<Object> SERVER_TASK = new Predicate<>() {
        @Override
        public boolean test(Object task) {
            return Servers.isServerTask(task);
        }
    };

    static final Predicate<Object> SERVER_CODE = new Predicate<>() {
        @Override
        public boolean test(Object task) {
            return Servers.isServerCode(task);
        }
    };

    static final Predicate<Object> RESCHEDULING_TASK = new Predicate<>() {
        @Override
        public boolean test(Object task) {
            return Servers.isReschedulingTask(task);
        }
    };

    static final Predicate<Object> JOB_HAND_OFF = new Predicate<>() {
        @Override
        public boolean test(Object task) {
            return Servers.isJobHandOff(task);
        }
    };

    static final Supplier<Object> CARRIER_POOL = new Supplier<>() {
        @Override
        public Object get() {
            return ThreadTargets.virtualThreadScheduler();
        }
    };

    static final Function<Class<?>, MethodHandle[]> COROUTINE_ELEMENTS = new Function<>() {
        @Override
        public MethodHandle[] apply(Class<?> anchor) {
            return CoroutineElements.handles(anchor);
        }
    };
}
