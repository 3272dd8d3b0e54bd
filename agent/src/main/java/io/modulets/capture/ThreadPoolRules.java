package io.modulets.capture;

import java.util.List;

import org.objectweb.asm.MethodVisitor;

/**
 * {@code ThreadPoolExecutor} (and so {@code ScheduledThreadPoolExecutor}'s workers and the
 * {@code Executors} wrappers around both): {@code execute} captures the task's binding, the worker
 * loop's {@code task.run()} runs it bound; a rejected, removed or drained task stops counting, and a
 * rejection handler (CallerRunsPolicy) runs on the task's binding; the task DiscardOldestPolicy drops
 * from the queue stops counting.
 */
final class ThreadPoolRules {
    private ThreadPoolRules() {
    }

    static List<Transformlet> rules() {
        return List.of(new Rule("java/util/concurrent/ThreadPoolExecutor") {
            @Override
            MethodVisitor rewrite(String method, MethodVisitor mv) {
                return switch (method) {
                    case "execute(Ljava/lang/Runnable;)V" -> Hooks.atEntry(mv, Hooks.EXECUTORS, "onSubmit", "(Ljava/lang/Object;)V", 1);
                    case "runWorker(Ljava/util/concurrent/ThreadPoolExecutor$Worker;)V" -> Hooks.replaceInterfaceCall(mv,
                            "java/lang/Runnable", "run", "()V", Hooks.EXECUTORS, "runTask", "(Ljava/lang/Runnable;)V");
                    case "reject(Ljava/lang/Runnable;)V" -> Hooks.replaceInterfaceCall(mv,
                            "java/util/concurrent/RejectedExecutionHandler", "rejectedExecution",
                            "(Ljava/lang/Runnable;Ljava/util/concurrent/ThreadPoolExecutor;)V", Hooks.DROPPED, "onRejected",
                            "(Ljava/util/concurrent/RejectedExecutionHandler;Ljava/lang/Runnable;"
                                    + "Ljava/util/concurrent/ThreadPoolExecutor;)V");
                    case "remove(Ljava/lang/Runnable;)Z" -> Hooks.beforeIreturn(mv, Hooks.DROPPED, "onRemoved", "(ZLjava/lang/Object;)V", 1);
                    case "shutdownNow()Ljava/util/List;" -> Hooks.beforeAreturn(mv, Hooks.DROPPED, "onDrained", "(Ljava/util/List;)V");
                    // the one constructor the others call: the pools whose queues the pin report reads
                    case "<init>(IIJLjava/util/concurrent/TimeUnit;Ljava/util/concurrent/BlockingQueue;"
                            + "Ljava/util/concurrent/ThreadFactory;Ljava/util/concurrent/RejectedExecutionHandler;)V" ->
                            Hooks.beforeReturn(mv, Hooks.EXECUTORS, "onPoolMade", "(Ljava/lang/Object;)V", 0);
                    default -> mv;
                };
            }
        }, new Rule("java/util/concurrent/ThreadPoolExecutor$DiscardOldestPolicy") {
            @Override
            MethodVisitor rewrite(String method, MethodVisitor mv) {
                return method.equals("rejectedExecution(Ljava/lang/Runnable;Ljava/util/concurrent/ThreadPoolExecutor;)V")
                        ? Hooks.replaceInterfaceCall(mv, "java/util/concurrent/BlockingQueue", "poll",
                                "()Ljava/lang/Object;", Hooks.DROPPED, "pollDropped",
                                "(Ljava/util/concurrent/BlockingQueue;)Ljava/lang/Object;")
                        : mv;
            }
        });
    }
}
