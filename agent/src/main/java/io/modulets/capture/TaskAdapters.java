package io.modulets.capture;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.FutureTask;
import java.util.function.Function;

/**
 * Reads the task a JDK adapter wraps, so that a task whose own class is swappable keeps its
 * generation through {@code submit} (a FutureTask), {@code Executors.callable} and
 * {@code ForkJoinTask.adapt}/{@code ForkJoinPool.execute(Runnable)} and {@code CompletableFuture}'s
 * {@code runAsync}/{@code supplyAsync} (DESIGN §2.1). A virtual thread's task is not reachable this way
 * (it sits in a lambda inside its continuation), so a virtual thread takes the starter's binding. Private JDK
 * fields; needs {@code java.util.concurrent} opened to the agent. An adapter absent on this JDK is
 * skipped.
 */
final class TaskAdapters {
    private static final String[][] FIELDS = {
            {"java.util.concurrent.Executors$RunnableAdapter", "task"},
            {"java.util.concurrent.ForkJoinTask$AdaptedRunnable", "runnable"},
            {"java.util.concurrent.ForkJoinTask$AdaptedRunnableAction", "runnable"},
            {"java.util.concurrent.ForkJoinTask$RunnableExecuteAction", "runnable"},
            {"java.util.concurrent.ForkJoinTask$AdaptedCallable", "callable"},
            {"java.util.concurrent.ForkJoinTask$AdaptedInterruptibleCallable", "callable"},
            {"java.util.concurrent.ForkJoinTask$AdaptedInterruptibleRunnable", "runnable"},
            {"java.util.concurrent.CompletableFuture$AsyncRun", "fn"},
            {"java.util.concurrent.CompletableFuture$AsyncSupply", "fn"},
            // 25+: ForkJoinPool's delayed tasks (schedule*, submitWithTimeout) hold one or the other
            {"java.util.concurrent.DelayScheduler$ScheduledForkJoinTask", "runnable", "callable"},
    };

    private TaskAdapters() {
    }

    /**
     * Loads no JDK class: each adapter's fields are found the first time a task of that class is read, so that
     * the adapters' outer classes (ForkJoinTask, CompletableFuture) load when the application uses them, and the
     * capture transformer rewrites them as they load.
     */
    static Function<Object, Object> reader() {
        Map<String, String[]> adapters = new HashMap<>();
        for (String[] names : FIELDS) {
            adapters.put(names[0], names);
        }
        ClassValue<VarHandle[]> byClass = new ClassValue<>() {
            @Override
            protected VarHandle[] computeValue(Class<?> type) {
                String[] names = type.getClassLoader() == null ? adapters.get(type.getName()) : null;
                return names == null ? NONE : fields(type, names);
            }
        };
        return new Reader(byClass);
    }

    /** The reader, a class and not a lambda: made in premain (see HookFunctions); only the hooks run it. */
    private static final class Reader implements Function<Object, Object> {
        private final ClassValue<VarHandle[]> byClass;

        Reader(ClassValue<VarHandle[]> byClass) {
            this.byClass = byClass;
        }

        @Override
        public Object apply(Object task) {
            if (task instanceof FutureTask) {
                return FutureTaskCallable.HANDLE.get((FutureTask<?>) task);
            }
            VarHandle[] fields = byClass.get(task.getClass());
            Object inner = null;
            for (int i = 0; inner == null && i < fields.length; i++) {
                inner = fields[i].get(task);
            }
            return inner;
        }
    }

    private static final VarHandle[] NONE = new VarHandle[0];

    private static VarHandle[] fields(Class<?> adapter, String[] names) {
        List<VarHandle> fields = new ArrayList<>();
        try {
            MethodHandles.Lookup lookup = MethodHandles.privateLookupIn(adapter, MethodHandles.lookup());
            for (int i = 1; i < names.length; i++) {
                for (java.lang.reflect.Field f : adapter.getDeclaredFields()) {
                    if (f.getName().equals(names[i])) {
                        fields.add(lookup.unreflectVarHandle(f));
                    }
                }
            }
        } catch (IllegalAccessException e) {
            throw new IllegalStateException("modulets: cannot read " + adapter.getName() + "'s task: " + e, e);
        }
        return fields.toArray(NONE);
    }

    /** {@code FutureTask.callable}, made when the first FutureTask is read (JdkMembers checks it is there as FutureTask loads). */
    private static final class FutureTaskCallable {
        static final VarHandle HANDLE;

        static {
            try {
                HANDLE = MethodHandles.privateLookupIn(FutureTask.class, MethodHandles.lookup())
                        .findVarHandle(FutureTask.class, "callable", Callable.class);
            } catch (ReflectiveOperationException e) {
                throw new ExceptionInInitializerError(e);
            }
        }
    }
}
