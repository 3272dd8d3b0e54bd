package io.modulets.boundary;

import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;

import io.modulets.bootstrap.GenerationLoader;
import io.modulets.bootstrap.TaskOutcomes;
import io.modulets.bootstrap.ThrownExceptions;

/**
 * The exception handler around a generation's method at a site (DESIGN §4, "Outcomes"): an
 * exception that leaves the generation's code for shell code is counted against that generation
 * ({@link ThrownExceptions#crossed}) and rethrown unchanged. {@code catchException} compiles to an entry in
 * the exception table of the site's lambda form, so a call that returns normally runs no more instructions,
 * and C2 inlines through it as before (docs/BOUNDARY.md, "Cost").
 */
final class ThrownHandler {
    /** {@code (TaskOutcomes, Throwable) Object}: {@link #rethrow}. */
    private static final MethodHandle RETHROW;

    static {
        try {
            RETHROW = MethodHandles.lookup().findStatic(ThrownHandler.class, "rethrow",
                    MethodType.methodType(Object.class, TaskOutcomes.class, Throwable.class));
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    private ThrownHandler() {
    }

    /** {@code member} of {@code generation}, counting what it throws; {@code member} itself for no generation. */
    static MethodHandle around(MethodHandle member, ClassLoader generation) {
        if (!(generation instanceof GenerationLoader)) {
            return member;
        }
        TaskOutcomes outcomes = ((GenerationLoader) generation).outcomes();
        MethodType type = member.type();
        // Composed over the erased type, then cast back: on JDK 17, catchException converts a handle the JDK
        // shares between all callers (its argument collector) with asType, and that handle keeps the last
        // converted type in a strong cache field. A type that names the generation's classes would keep the
        // generation loaded until another call replaced it (BoundaryUnloadIT).
        MethodType erased = type.erase();
        // (Throwable, arguments...) -> count it, then throw it again: one method, not a throwException folded
        // with the count, whose two combinators spun two more classes at a JVM's first boundary call
        MethodHandle handler = RETHROW.bindTo(outcomes)
                .asType(MethodType.methodType(erased.returnType(), Throwable.class)); // this itself if Object
        handler = MethodHandles.dropArguments(handler, 1, erased.parameterList());
        return MethodHandles.catchException(member.asType(erased), Throwable.class, handler).asType(type);
    }

    /** Counts {@code thrown} against the generation of {@code outcomes}, then throws it again; never returns. */
    private static Object rethrow(TaskOutcomes outcomes, Throwable thrown) throws Throwable {
        ThrownExceptions.crossed(outcomes, thrown);
        throw thrown;
    }
}
