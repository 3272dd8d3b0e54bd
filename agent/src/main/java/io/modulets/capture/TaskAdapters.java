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

    static Function<Object, Object> reader() throws ReflectiveOperationException {
        MethodHandles.Lookup agent = MethodHandles.lookup();
        VarHandle callable = MethodHandles.privateLookupIn(FutureTask.class, agent)
                .findVarHandle(FutureTask.class, "callable", Callable.class);
        Map<Class<?>, VarHandle[]> byClass = new HashMap<>();
        for (String[] names : FIELDS) {
            Class<?> adapter;
            try {
                adapter = Class.forName(names[0], false, null);
            } catch (ClassNotFoundException absentOnThisJdk) {
                continue;
            }
            List<VarHandle> fields = new ArrayList<>();
            for (int i = 1; i < names.length; i++) {
                for (java.lang.reflect.Field f : adapter.getDeclaredFields()) {
                    if (f.getName().equals(names[i])) {
                        fields.add(MethodHandles.privateLookupIn(adapter, agent).unreflectVarHandle(f));
                    }
                }
            }
            if (!fields.isEmpty()) {
                byClass.put(adapter, fields.toArray(new VarHandle[0]));
            }
        }
        return task -> {
            if (task instanceof FutureTask) {
                return callable.get((FutureTask<?>) task);
            }
            VarHandle[] fields = byClass.get(task.getClass());
            Object inner = null;
            for (int i = 0; fields != null && inner == null && i < fields.length; i++) {
                inner = fields[i].get(task);
            }
            return inner;
        };
    }
}
