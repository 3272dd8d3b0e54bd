package io.modulets.capture;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.HashMap;
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
    };

    private TaskAdapters() {
    }

    static Function<Object, Object> reader() throws ReflectiveOperationException {
        MethodHandles.Lookup agent = MethodHandles.lookup();
        VarHandle callable = MethodHandles.privateLookupIn(FutureTask.class, agent)
                .findVarHandle(FutureTask.class, "callable", Callable.class);
        Map<Class<?>, VarHandle> byClass = new HashMap<>();
        for (String[] field : FIELDS) {
            Class<?> adapter;
            try {
                adapter = Class.forName(field[0], false, null);
            } catch (ClassNotFoundException absentOnThisJdk) {
                continue;
            }
            for (java.lang.reflect.Field f : adapter.getDeclaredFields()) {
                if (f.getName().equals(field[1])) {
                    byClass.put(adapter, MethodHandles.privateLookupIn(adapter, agent).unreflectVarHandle(f));
                }
            }
        }
        return task -> {
            if (task instanceof FutureTask) {
                return callable.get((FutureTask<?>) task);
            }
            VarHandle inner = byClass.get(task.getClass());
            return inner == null ? null : inner.get(task);
        };
    }
}
