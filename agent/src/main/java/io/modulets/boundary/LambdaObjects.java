package io.modulets.boundary;

import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandleProxies;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;

/**
 * Lambdas and method references whose functional interface is swappable ({@code Fn<T> f = () -> "hi"},
 * {@code new X(InetAddress::getLocalHost)} where {@code X(FailableSupplier)} is swappable): the object
 * must implement the binding's {@code Fn}, and its class must not name {@code Fn} from the shell's
 * loader. {@code LambdaMetafactory} cannot do that (it spins its class in the shell class's loader,
 * and the shell's site only knows the erasure, {@code Object}: "Object is not an interface"), so the
 * site makes it with {@link MethodHandleProxies}, whose class belongs to the interface's own loader
 * and goes with its generation. The body stays the shell's synthetic method (or the method referred
 * to), adapted to the interface method as {@code LambdaMetafactory} would: a cast to the
 * instantiated types, boxing, widening; its captured values are bound per object.
 *
 * <p>Cost: a non-capturing lambda is one object per generation, as with the JDK; a capturing one
 * makes a proxy per evaluation (microseconds on JDK 17, where the proxy dispatches reflectively).
 */
final class LambdaObjects {
    private static final MethodHandle INSTANCE;

    static {
        try {
            INSTANCE = MethodHandles.lookup().findStatic(LambdaObjects.class, "instance",
                    MethodType.methodType(Object.class, Class.class, MethodHandle.class, Object[].class));
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    private LambdaObjects() {
    }

    /**
     * The factory of the site in one generation: takes the captured values (the site's parameters)
     * and returns an {@code fn}.
     *
     * @param fn             the functional interface of the generation
     * @param implementation the body: the shell's method, its captured parameters first
     * @param instantiated   the interface method's type as the lambda was written, in the generation
     * @param site           the site's erased type: the captured values, returning the erasure
     */
    static MethodHandle factory(Class<?> fn, MethodHandle implementation, MethodType instantiated,
                                MethodType site) {
        if (!fn.isInterface()) {
            throw new IncompatibleClassChangeError("modulets: " + fn.getName() + " in " + fn.getClassLoader()
                    + " is not an interface, and a lambda of it was written in shell code");
        }
        int captured = site.parameterCount();
        MethodType bodyType = instantiated.insertParameterTypes(0,
                implementation.type().parameterList().subList(0, captured));
        MethodHandle body = implementation.asFixedArity().asType(bodyType);
        if (captured == 0) {
            return MethodHandles.constant(Object.class, MethodHandleProxies.asInterfaceInstance(fn, body))
                    .asType(site);
        }
        return MethodHandles.insertArguments(INSTANCE, 0, fn, body).asCollector(Object[].class, captured)
                .asType(site);
    }

    private static Object instance(Class<?> fn, MethodHandle body, Object[] captured) {
        return MethodHandleProxies.asInterfaceInstance(fn, MethodHandles.insertArguments(body, 0, captured));
    }
}
