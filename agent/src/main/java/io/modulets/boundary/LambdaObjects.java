package io.modulets.boundary;

import java.lang.invoke.LambdaConversionException;
import java.lang.invoke.LambdaMetafactory;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.objectweb.asm.ClassWriter;
import org.objectweb.asm.MethodVisitor;
import org.objectweb.asm.Opcodes;

/**
 * Lambdas and method references whose functional interface is swappable ({@code Fn<T> f = () -> "hi"},
 * {@code new X(InetAddress::getLocalHost)} where {@code X(FailableSupplier)} is swappable): the object
 * must implement the binding's {@code Fn}, and its class must not name {@code Fn} from the shell's
 * loader. The shell's own {@code LambdaMetafactory} site cannot do that (it spins its class in the shell
 * class's loader, and the site only knows the erasure, {@code Object}: "Object is not an interface").
 *
 * <p>So the object is made by {@code LambdaMetafactory} <em>in the generation</em>: its caller is a class
 * defined in {@code Fn}'s package and loader (a host, one per interface and arity), whose static method
 * {@code invoke(body, captured..., arguments...)} calls a method handle, the body: the
 * shell's synthetic method (or the method referred to), adapted to all-{@code Object} parameters, and is
 * the object's first captured value. The lambda class is the host's nestmate and goes with the
 * generation. Captures, casts to the instantiated types, boxing and bridges are the metafactory's own; a
 * non-capturing lambda is one object per generation. A call costs one more method handle invocation
 * (the body) than a plain lambda.
 */
final class LambdaObjects {
    /** Per interface, held by it (so collected with its generation). */
    private static final ClassValue<Hosts> HOSTS = new ClassValue<>() {
        @Override
        protected Hosts computeValue(Class<?> type) {
            return new Hosts(type);
        }
    };

    private LambdaObjects() {
    }

    /**
     * What a lambda site knows besides the interface and its method: the body (the shell's method, its
     * captured parameters first), the interface method's type as declared ({@code sam}) and as the
     * lambda was written ({@code instantiated}), and further types it must implement ({@code bridges}), all
     * as descriptors of the original types, to be resolved in each generation.
     */
    record Shape(MethodHandle implementation, String sam, String instantiated, List<String> bridges) {
    }

    /**
     * The factory of the site in one generation: takes the captured values (the site's parameters)
     * and returns an {@code fn}.
     *
     * @param fn     the functional interface of the generation
     * @param method the interface method's name
     * @param site   the site's erased type: the captured values, returning the erasure
     */
    static MethodHandle factory(Class<?> fn, String method, Shape shape, MethodType site)
            throws ReflectiveOperationException {
        ClassLoader generation = fn.getClassLoader();
        MethodType sam = MethodType.fromMethodDescriptorString(shape.sam(), generation);
        MethodType instantiated = MethodType.fromMethodDescriptorString(shape.instantiated(), generation);
        List<MethodType> bridges = new ArrayList<>();
        for (String bridge : shape.bridges()) {
            bridges.add(MethodType.fromMethodDescriptorString(bridge, generation));
        }
        MethodHandle implementation = shape.implementation();
        if (!fn.isInterface()) {
            throw new IncompatibleClassChangeError("modulets: " + fn.getName() + " in " + fn.getClassLoader()
                    + " is not an interface, and a lambda of it was written in shell code");
        }
        int captured = site.parameterCount();
        int arity = captured + instantiated.parameterCount();
        MethodType bodyType = instantiated.insertParameterTypes(0,
                implementation.type().parameterList().subList(0, captured));
        MethodHandle body = implementation.asFixedArity().asType(bodyType).asType(MethodType.genericMethodType(arity));
        MethodHandles.Lookup host = HOSTS.get(fn).host(arity);
        MethodHandle invoke = host.findStatic(host.lookupClass(), "invoke",
                MethodType.genericMethodType(arity).insertParameterTypes(0, MethodHandle.class));
        MethodType factoryType = MethodType.methodType(fn, MethodHandle.class)
                .appendParameterTypes(Collections.nCopies(captured, Object.class));
        List<Object> arguments = new ArrayList<>(List.of(sam, invoke, instantiated, LambdaMetafactory.FLAG_BRIDGES,
                bridges.size()));
        arguments.addAll(bridges);
        MethodHandle make;
        try {
            make = LambdaMetafactory.altMetafactory(host, method, factoryType, arguments.toArray()).getTarget()
                    .bindTo(body);
        } catch (LambdaConversionException e) {
            throw (IncompatibleClassChangeError) new IncompatibleClassChangeError("modulets: a lambda of "
                    + fn.getName() + " in " + fn.getClassLoader() + ": " + e.getMessage()).initCause(e);
        }
        if (captured > 0) {
            return make.asType(site);
        }
        try {
            return MethodHandles.constant(Object.class, make.invoke()).asType(site);
        } catch (Throwable e) {
            throw new IllegalStateException("modulets: cannot make a lambda of " + fn.getName(), e);
        }
    }

    /**
     * The classes in a functional interface's package and loader that make its lambdas, one per arity
     * ({@code modulets$Lambdas$Fn$1}): {@code static Object invoke(MethodHandle body, Object... arguments)}
     * calls the body, and is the metafactory's implementation; {@code static Lookup lookup()} gives the
     * metafactory its caller, with the full privilege that the lookup which defined the class (through the
     * interface's package) lacks. Not hidden: the lambda class names its host, resolved in the generation.
     */
    private static final class Hosts {
        private final Class<?> fn;
        private final Map<Integer, MethodHandles.Lookup> hosts = new HashMap<>();

        Hosts(Class<?> fn) {
            this.fn = fn;
        }

        synchronized MethodHandles.Lookup host(int arity) throws ReflectiveOperationException {
            MethodHandles.Lookup host = hosts.get(arity);
            if (host != null) {
                return host;
            }
            String name = fn.getName().replace('.', '/');
            int simple = name.lastIndexOf('/') + 1;
            Class<?> defined = MethodHandles.privateLookupIn(fn, MethodHandles.lookup()).defineClass(
                    hostBytes(name.substring(0, simple) + "modulets$Lambdas$" + name.substring(simple) + "$" + arity,
                            arity));
            try {
                host = (MethodHandles.Lookup) MethodHandles.privateLookupIn(defined, MethodHandles.lookup())
                        .findStatic(defined, "lookup", MethodType.methodType(MethodHandles.Lookup.class))
                        .invokeExact();
            } catch (ReflectiveOperationException | RuntimeException | Error e) {
                throw e;
            } catch (Throwable e) {
                throw new IllegalStateException(e);
            }
            hosts.put(arity, host);
            return host;
        }
    }

    /**
     * {@code final class NAME { static Lookup lookup() { return MethodHandles.lookup(); }
     * static Object invoke(MethodHandle body, Object a1, .. an) { return body.invokeExact(a1, .. an); } }}
     */
    private static byte[] hostBytes(String name, int arity) {
        ClassWriter cw = new ClassWriter(ClassWriter.COMPUTE_MAXS);
        cw.visit(Opcodes.V17, Opcodes.ACC_FINAL | Opcodes.ACC_SUPER | Opcodes.ACC_SYNTHETIC, name, null,
                "java/lang/Object", null);
        MethodVisitor lookup = cw.visitMethod(Opcodes.ACC_STATIC, "lookup",
                "()Ljava/lang/invoke/MethodHandles$Lookup;", null, null);
        lookup.visitCode();
        lookup.visitMethodInsn(Opcodes.INVOKESTATIC, "java/lang/invoke/MethodHandles", "lookup",
                "()Ljava/lang/invoke/MethodHandles$Lookup;", false);
        lookup.visitInsn(Opcodes.ARETURN);
        lookup.visitMaxs(0, 0);
        lookup.visitEnd();
        String generic = "(" + "Ljava/lang/Object;".repeat(arity) + ")Ljava/lang/Object;";
        MethodVisitor mv = cw.visitMethod(Opcodes.ACC_STATIC, "invoke", "(Ljava/lang/invoke/MethodHandle;"
                + generic.substring(1), null, null);
        mv.visitCode();
        for (int slot = 0; slot <= arity; slot++) {
            mv.visitVarInsn(Opcodes.ALOAD, slot);
        }
        mv.visitMethodInsn(Opcodes.INVOKEVIRTUAL, "java/lang/invoke/MethodHandle", "invokeExact", generic, false);
        mv.visitInsn(Opcodes.ARETURN);
        mv.visitMaxs(0, 0);
        mv.visitEnd();
        cw.visitEnd();
        return cw.toByteArray();
    }
}
