package io.modulets.capture;

import io.modulets.bootstrap.ThreadHooks;
import java.util.List;

import org.objectweb.asm.MethodVisitor;
import org.objectweb.asm.Opcodes;
import org.objectweb.asm.tree.AbstractInsnNode;
import org.objectweb.asm.tree.MethodInsnNode;
import org.objectweb.asm.tree.MethodNode;

/**
 * Fork/join: {@code fork()} and the pool's one submission path (17: {@code externalSubmit}, 21+:
 * {@code poolSubmit}; every execute/submit/invoke/invokeAll goes through it), and 25's public {@code externalSubmit},
 * which does not, capture; {@code doExec()},
 * where every worker, helper and {@code invoke()} runs a task, binds around {@code exec()}; a
 * cancelled task stops counting; an exceptional completion ({@code trySetThrown}) fails the run it happens in.
 * Workers are never bound ({@code ThreadHooks.onThreadStart}).
 */
final class ForkJoinRules {
    private static final String TASK = "java/util/concurrent/ForkJoinTask";
    private static final String CANCELLED = "(ZLjava/lang/Object;)V";

    private ForkJoinRules() {
    }

    /**
     * 19+ submits through {@code poolSubmit}; its public {@code externalSubmit} calls that too. Decided
     * by version, not by reflection: reflecting on ForkJoinPool would load ForkJoinTask before it can
     * take its capture field.
     */
    private static final String SUBMIT = Runtime.version().feature() >= 19
            ? "poolSubmit(ZLjava/util/concurrent/ForkJoinTask;)Ljava/util/concurrent/ForkJoinTask;"
            : "externalSubmit(Ljava/util/concurrent/ForkJoinTask;)Ljava/util/concurrent/ForkJoinTask;";

    /**
     * 25+: {@code ForkJoinPool} is a scheduled executor too. Every delayed task ({@code schedule},
     * {@code scheduleAtFixedRate}/{@code WithFixedDelay}, {@code submitWithTimeout}, and the
     * {@code CompletableFuture.delayedExecutor}, {@code orTimeout} and {@code completeOnTimeout} tasks) arrives in
     * {@code scheduleDelayedTask}; its pool's {@code DelayScheduler} thread later runs it ({@code doExec}) or pushes
     * it to a queue without {@code poolSubmit}, and a periodic one is queued again from its own {@code postExec}.
     */
    private static final String DELAYED_TASK = "java/util/concurrent/DelayScheduler$ScheduledForkJoinTask";
    private static final String SCHEDULE_DELAYED = "scheduleDelayedTask(L" + DELAYED_TASK + ";)L" + DELAYED_TASK + ";";

    /** At entry: {@code ForkJoinHooks.onScheduleDelayed(this, task, task.nextDelay)} (0: one-shot). */
    private static MethodVisitor onScheduleDelayed(MethodVisitor mv) {
        return Hooks.atEntry(mv, out -> {
            out.visitVarInsn(Opcodes.ALOAD, 0);
            out.visitVarInsn(Opcodes.ALOAD, 1);
            out.visitVarInsn(Opcodes.ALOAD, 1);
            out.visitFieldInsn(Opcodes.GETFIELD, DELAYED_TASK, "nextDelay", "J");
            out.visitMethodInsn(Opcodes.INVOKESTATIC, Hooks.FORK_JOIN, "onScheduleDelayed",
                    "(Ljava/lang/Object;Ljava/lang/Object;J)V", false);
        });
    }

    /** 20+'s public {@code externalSubmit(task)}; on 17 the package-private one of the same name is {@link #SUBMIT}. */
    private static final String EXTERNAL_SUBMIT =
            "externalSubmit(Ljava/util/concurrent/ForkJoinTask;)Ljava/util/concurrent/ForkJoinTask;";

    /**
     * 20+'s {@code externalSubmit}: on 25 it pushes the task to a submission queue itself, not through {@code
     * poolSubmit}, so its task went uncaptured and ran on the current generation. Hooked at entry only where its code
     * does not call {@code poolSubmit} (read from the method as it is rewritten, whatever the JDK), so that no task is
     * captured twice.
     */
    private static MethodVisitor externalSubmit(MethodVisitor next) {
        // (not "mv" inside: MethodNode inherits a field of that name, its own delegate, null here)
        return new MethodNode(Opcodes.ASM9) {
            @Override
            public void visitEnd() {
                super.visitEnd();
                boolean throughPoolSubmit = false;
                for (AbstractInsnNode insn : instructions) {
                    throughPoolSubmit |= insn instanceof MethodInsnNode call && call.name.equals("poolSubmit");
                }
                accept(throughPoolSubmit ? next : Hooks.atEntry(next, Hooks.FORK_JOIN, "onPoolSubmit",
                        "(Ljava/lang/Object;Ljava/lang/Object;)V", 0, 1));
            }
        };
    }

    /** {@code exec()} runs bound; after doExec, a task found already done (so not run) releases its capture. */
    private static MethodVisitor afterExec(MethodVisitor mv) {
        return Hooks.replaceVirtualCall(mv, TASK::equals, "exec", "()Z", Hooks.FORK_JOIN, "execTask",
                "(Ljava/util/concurrent/ForkJoinTask;)Z", null);
    }

    static List<Transformlet> rules() {
        return List.of(
                new Rule(TASK) {
                    @Override
                    MethodVisitor rewrite(String method, MethodVisitor mv) {
                        return switch (method) {
                            case "fork()Ljava/util/concurrent/ForkJoinTask;" ->
                                    Hooks.atEntry(mv, Hooks.EXECUTORS, "onSubmit", "(Ljava/lang/Object;)V", 0);
                            case "doExec()I" -> afterExec(Hooks.beforeIreturn(mv, Hooks.FORK_JOIN, "afterExec", "(ILjava/lang/Object;)V", 0));
                            case "doExec()V" -> afterExec(Hooks.beforeReturn(mv, Hooks.FORK_JOIN, "afterExec",
                                    "(Ljava/lang/Object;)V", 0));
                            case "cancel(Z)Z" -> Hooks.beforeIreturn(mv, Hooks.DROPPED, "onCancelled", CANCELLED, 0);
                            // 25's delayed tasks are also cancelled without cancel(): a pool's shutdown, a failed hand-over
                            case "trySetCancelled()I" ->
                                    Hooks.beforeIreturn(mv, Hooks.DROPPED, "onTrySetCancelled", "(ILjava/lang/Object;)V", 0);
                            // every exceptional completion (17: int, 25: boolean); 21+'s submit(Callable) catches in exec()
                            case "trySetThrown(Ljava/lang/Throwable;)I", "trySetThrown(Ljava/lang/Throwable;)Z" ->
                                    Hooks.atEntry(mv, Hooks.FORK_JOIN, "onForkJoinFailed", "(Ljava/lang/Throwable;)V", 1);
                            default -> mv;
                        };
                    }
                },
                new Rule(TASK + "$InterruptibleTask") {
                    @Override
                    MethodVisitor rewrite(String method, MethodVisitor mv) {
                        return method.equals("cancel(Z)Z")
                                ? Hooks.beforeIreturn(mv, Hooks.DROPPED, "onCancelled", CANCELLED, 0) : mv;
                    }
                },
                new Rule("java/util/concurrent/ForkJoinPool") {
                    @Override
                    MethodVisitor rewrite(String method, MethodVisitor mv) {
                        if (method.equals(SUBMIT)) {
                            return Hooks.atEntry(mv, Hooks.FORK_JOIN, "onPoolSubmit",
                                    "(Ljava/lang/Object;Ljava/lang/Object;)V", 0, SUBMIT.startsWith("poolSubmit") ? 2 : 1);
                        }
                        if (method.equals(EXTERNAL_SUBMIT) && !SUBMIT.equals(EXTERNAL_SUBMIT)) {
                            return externalSubmit(mv);
                        }
                        return method.equals(SCHEDULE_DELAYED) ? onScheduleDelayed(mv) : mv;
                    }
                });
    }
}
