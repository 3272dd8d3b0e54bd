package io.modulets.capture;

import org.objectweb.asm.MethodVisitor;

/**
 * Netty's {@code HashedWheelTimer} (4.1, 4.2; Lettuce's, Redisson's and async-http-client's timeouts): its
 * worker thread is a loop ({@link Servers#LOOPS}), and each timeout is a task. A {@code HashedWheelTimeout}
 * captures when {@code newTimeout} makes it (the child of a task that makes it; a timer task of the servers'
 * own code is never bound), {@code expire()} hands its executor (by default, the worker itself) a run bound
 * to that capture, and {@code cancel()} releases it.
 */
final class NettyTimerRule {
    private static final String TIMEOUT = "io/netty/util/HashedWheelTimer$HashedWheelTimeout";
    private static final String MADE = "<init>(Lio/netty/util/HashedWheelTimer;Lio/netty/util/TimerTask;J)V";

    private NettyTimerRule() {
    }

    static Transformlet rule() {
        return new Rule(TIMEOUT) {
            @Override
            MethodVisitor rewrite(String method, MethodVisitor mv) {
                return switch (method) {
                    case MADE -> Hooks.beforeReturn(mv, Hooks.EXECUTORS, "onTimerTimeout",
                            "(Ljava/lang/Object;Ljava/lang/Object;)V", 0, 2);
                    case "expire()V" -> Hooks.replaceInterfaceCall(mv, "java/util/concurrent/Executor", "execute",
                            "(Ljava/lang/Runnable;)V", Hooks.EXECUTORS, "executeCaptured",
                            "(Ljava/util/concurrent/Executor;Ljava/lang/Runnable;)V");
                    case "cancel()Z" -> Hooks.beforeIreturn(mv, Hooks.DROPPED, "onCancelled", "(ZLjava/lang/Object;)V", 0);
                    default -> mv;
                };
            }
        };
    }
}
