package io.modulets.capture;

import java.util.List;

import org.objectweb.asm.MethodVisitor;

/**
 * Threads: {@code start} submits the thread's body as a task, its end releases it; an uncaught
 * exception ({@code dispatchUncaughtException}, on the thread itself) is the body's failure. Platform threads
 * end in {@code Thread.exit()}; a virtual thread (21+) overrides {@code start(container)} (which its
 * {@code start()} calls) and ends its task at the end of {@code VirtualThread.run(task)}, on itself.
 */
final class ThreadRules {
    private static final String START = "(Ljdk/internal/vm/ThreadContainer;)V";
    private static final String THREAD_HOOK = "(Ljava/lang/Thread;)V";

    /** Whether {@code Thread.setContextClassLoader} was instrumented (see Bindings.contextIsBinding). */
    private static volatile boolean contextHooked;

    private ThreadRules() {
    }

    static boolean contextHooked() {
        return contextHooked;
    }

    static List<Transformlet> rules() {
        return List.of(
                new Rule("java/lang/Thread") {
                    @Override
                    MethodVisitor rewrite(String method, MethodVisitor mv) {
                        return switch (method) {
                            case "start()V", "start" + START -> Hooks.atEntry(mv, Hooks.THREADS, "onThreadStart", THREAD_HOOK, 0);
                            case "exit()V" -> Hooks.atEntry(mv, Hooks.THREADS, "onThreadExit", THREAD_HOOK, 0);
                            case "dispatchUncaughtException(Ljava/lang/Throwable;)V" -> Hooks.atEntry(mv, Hooks.THREADS, "onThreadFailed",
                                    "(Ljava/lang/Thread;Ljava/lang/Throwable;)V", 0, 1);
                            case "setContextClassLoader(Ljava/lang/ClassLoader;)V" -> {
                                contextHooked = true;
                                yield Hooks.atEntry(mv, Hooks.THREADS, "onSetContext", "(Ljava/lang/Thread;Ljava/lang/ClassLoader;)V", 0, 1);
                            }
                            default -> mv;
                        };
                    }
                },
                new Rule("java/lang/VirtualThread") {
                    @Override
                    MethodVisitor rewrite(String method, MethodVisitor mv) {
                        return switch (method) {
                            case "start" + START -> Hooks.atEntry(mv, Hooks.THREADS, "onThreadStart", THREAD_HOOK, 0);
                            case "run(Ljava/lang/Runnable;)V" -> Hooks.beforeReturn(mv, Hooks.THREADS, "onThreadExit",
                                    THREAD_HOOK, 0);
                            default -> mv;
                        };
                    }
                });
    }
}
