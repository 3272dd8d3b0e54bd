package io.modulets.boundary;

import java.lang.invoke.LambdaConversionException;
import java.lang.invoke.LambdaMetafactory;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

import org.objectweb.asm.ClassWriter;
import org.objectweb.asm.ConstantDynamic;
import org.objectweb.asm.Handle;
import org.objectweb.asm.MethodVisitor;
import org.objectweb.asm.Opcodes;
import org.objectweb.asm.Type;

import io.modulets.bootstrap.LambdaBodies;

/**
 * Lambdas and method references whose functional interface is swappable ({@code Fn<T> f = () -> "hi"},
 * {@code new X(InetAddress::getLocalHost)} where {@code X(FailableSupplier)} is swappable): the object
 * must implement the binding's {@code Fn}, and its class must not name {@code Fn} from the shell's
 * loader. The shell's own {@code LambdaMetafactory} site cannot do that (it spins its class in the shell
 * class's loader, and the site only knows the erasure, {@code Object}: "Object is not an interface").
 *
 * <p>So the object is made by {@code LambdaMetafactory} <em>in the generation</em>: its caller is a class
 * defined in {@code Fn}'s package and loader (a host, one per site and generation), whose static method
 * {@code invoke(captured..., arguments...)} calls a method handle, the body: the shell's synthetic method (or
 * the method referred to), adapted to its erasure (every reference type {@code Object}, primitives kept, so that
 * neither a captured {@code int} nor an argument is boxed), loaded as a dynamic constant of the host
 * ({@link LambdaBodies}), a constant to the JIT. The lambda class is the host's nestmate and goes with the
 * generation. Captures, casts to the instantiated types, boxing and bridges are the metafactory's own; a
 * non-capturing lambda is one object per generation. (The body was the lambda object's first captured value until
 * 7 December: a method handle the JIT could not see through when the object escaped, docs/BOUNDARY.md.)
 */
final class LambdaObjects {
    /** {@link LambdaBodies#of}, the bootstrap method of each host's dynamic constant. */
    private static final Handle BODY_BOOTSTRAP = new Handle(Opcodes.H_INVOKESTATIC,
            "io/modulets/bootstrap/LambdaBodies", "of",
            "(Ljava/lang/invoke/MethodHandles$Lookup;Ljava/lang/String;Ljava/lang/Class;)Ljava/lang/Object;", false);
    /** Numbers the sites' host classes: two sites of one interface in one generation get two. */
    private static final AtomicLong SITES = new AtomicLong();

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
        MethodType bodyType = instantiated.insertParameterTypes(0,
                implementation.type().parameterList().subList(0, captured));
        MethodType erased = bodyType.erase();
        MethodHandle body = implementation.asFixedArity().asType(bodyType).asType(erased);
        // The body as a dynamic constant of a host class of the site's own, which the JIT reads as a constant and
        // inlines; captured by the lambda object instead, it was a method handle invocation the JIT could not see
        // through. (Not a hidden class with the body as class data: JDK 17's metafactory names its caller's class
        // in the lambda class it spins, which fails for a hidden one.)
        MethodHandles.Lookup host = siteHost(fn, erased, body);
        MethodHandle invoke = host.findStatic(host.lookupClass(), "invoke", erased);
        MethodType factoryType = MethodType.methodType(fn, erased.parameterList().subList(0, captured));
        List<Object> arguments = new ArrayList<>(List.of(sam, invoke, instantiated, LambdaMetafactory.FLAG_BRIDGES,
                bridges.size()));
        arguments.addAll(bridges);
        MethodHandle make;
        try {
            make = LambdaMetafactory.altMetafactory(host, method, factoryType, arguments.toArray()).getTarget();
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
     * A new class in {@code fn}'s package and loader ({@code modulets$LambdaSite$Fn$N}) whose {@code invoke} calls
     * {@code body}, and its lookup, with the full privilege that the lookup which defined it (through the
     * interface's package) lacks, which the metafactory needs of its caller.
     */
    private static MethodHandles.Lookup siteHost(Class<?> fn, MethodType erased, MethodHandle body)
            throws ReflectiveOperationException {
        String name = fn.getName().replace('.', '/');
        int simple = name.lastIndexOf('/') + 1;
        String hostName = name.substring(0, simple) + "modulets$LambdaSite$" + name.substring(simple) + "$"
                + SITES.incrementAndGet();
        Class<?> defined = MethodHandles.privateLookupIn(fn, MethodHandles.lookup())
                .defineClass(siteHostBytes(hostName, erased));
        LambdaBodies.set(defined, body);
        try {
            return (MethodHandles.Lookup) MethodHandles.privateLookupIn(defined, MethodHandles.lookup())
                    .findStatic(defined, "lookup", MethodType.methodType(MethodHandles.Lookup.class)).invokeExact();
        } catch (ReflectiveOperationException | RuntimeException | Error e) {
            throw e;
        } catch (Throwable e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * A site's host in the interface's package: {@code final class NAME { static Lookup lookup() { return
     * MethodHandles.lookup(); } static R invoke(P1 a1, .. Pn an) { return BODY.invokeExact(a1, .. an); } }} of the
     * body's erased type {@code (P1, .. Pn)R}, where {@code BODY} is a dynamic constant, {@link LambdaBodies#of}.
     */
    private static byte[] siteHostBytes(String name, MethodType erased) {
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
        String descriptor = erased.toMethodDescriptorString();
        MethodVisitor mv = cw.visitMethod(Opcodes.ACC_STATIC, "invoke", descriptor, null, null);
        mv.visitCode();
        mv.visitLdcInsn(new ConstantDynamic("body", "Ljava/lang/invoke/MethodHandle;", BODY_BOOTSTRAP));
        int slot = 0;
        for (Type parameter : Type.getArgumentTypes(descriptor)) {
            mv.visitVarInsn(parameter.getOpcode(Opcodes.ILOAD), slot);
            slot += parameter.getSize();
        }
        mv.visitMethodInsn(Opcodes.INVOKEVIRTUAL, "java/lang/invoke/MethodHandle", "invokeExact", descriptor, false);
        mv.visitInsn(Type.getReturnType(descriptor).getOpcode(Opcodes.IRETURN));
        mv.visitMaxs(0, 0);
        mv.visitEnd();
        cw.visitEnd();
        return cw.toByteArray();
    }
}
