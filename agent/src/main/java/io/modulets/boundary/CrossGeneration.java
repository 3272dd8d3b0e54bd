package io.modulets.boundary;

import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;

import io.modulets.bootstrap.GenerationLoader;

/**
 * Explains the {@code ClassCastException} of an object that crossed generations through shared
 * state (DESIGN §6): a generation-1 {@code W} handed to generation 2's {@code W.use(W)} would
 * otherwise fail with "Cannot cast a.W to a.W". The boundary's own casts (arguments of swappable
 * types, which the erased site type passes as their erasure) go through {@link #cast}, which
 * names both generations.
 */
final class CrossGeneration {
    private static final MethodHandle CAST;

    static {
        try {
            CAST = MethodHandles.lookup().findStatic(CrossGeneration.class, "cast",
                    MethodType.methodType(Object.class, Class.class, Object.class));
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    private CrossGeneration() {
    }

    /**
     * {@code target} with an explaining cast on each parameter of a swappable type that the site
     * passes as another (erased) type; a receiver is left alone, its site's guard checked its class.
     */
    static MethodHandle explainCasts(MethodHandle target, MethodType siteType, boolean byReceiver) {
        MethodType type = target.type();
        MethodHandle explained = target;
        for (int i = byReceiver ? 1 : 0; i < type.parameterCount(); i++) {
            Class<?> parameter = type.parameterType(i);
            if (parameter != siteType.parameterType(i) && isOfAGeneration(parameter)) {
                MethodHandle cast = MethodHandles.insertArguments(CAST, 0, parameter)
                        .asType(MethodType.methodType(parameter, Object.class));
                explained = MethodHandles.filterArguments(explained, i, cast);
            }
        }
        return explained;
    }

    /** {@code value} as a {@code type}, or a ClassCastException that names both generations. */
    static Object cast(Class<?> type, Object value) {
        if (value == null || type.isInstance(value)) {
            return value;
        }
        throw new ClassCastException(message(value.getClass(), type));
    }

    static String message(Class<?> actual, Class<?> expected) {
        if (!actual.getName().equals(expected.getName())) {
            return "modulets: " + actual.getName() + " (" + where(actual) + ") cannot be cast to "
                    + expected.getName() + " (" + where(expected) + ")";
        }
        return "modulets: this " + actual.getName() + " is of " + where(actual) + ", but " + where(expected)
                + "'s " + expected.getName() + " was expected: the object crossed generations through shared "
                + "state; hand over shell types (or plain data) between tasks of different generations";
    }

    private static String where(Class<?> type) {
        Class<?> element = type;
        while (element.isArray()) {
            element = element.getComponentType();
        }
        ClassLoader loader = element.getClassLoader();
        return loader instanceof GenerationLoader ? loader.toString() : "the shell";
    }

    private static boolean isOfAGeneration(Class<?> type) {
        Class<?> element = type;
        while (element.isArray()) {
            element = element.getComponentType();
        }
        return element.getClassLoader() instanceof GenerationLoader;
    }
}
