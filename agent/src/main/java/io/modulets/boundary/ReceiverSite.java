package io.modulets.boundary;

import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.lang.reflect.Modifier;
import java.util.List;

import io.modulets.bootstrap.Bindings;
import io.modulets.bootstrap.LiveSet;
import io.modulets.bootstrap.GenerationLoader;

/**
 * A site that resolves on the generation of its first argument's class (instance methods and
 * fields, checkcast, instanceof): an object keeps its own code whoever calls it (§2.3). Its
 * cache is keyed by the receiver's class.
 */
final class ReceiverSite extends InlineCacheSite {
    private static final MethodHandle IS_CLASS;
    private static final MethodHandle IS_INSTANCE;

    static {
        try {
            IS_CLASS = MethodHandles.lookup().findStatic(ReceiverSite.class, "isClass",
                    MethodType.methodType(boolean.class, Class.class, Object.class));
            IS_INSTANCE = MethodHandles.lookup().findVirtual(Class.class, "isInstance",
                    MethodType.methodType(boolean.class, Object.class));
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    ReceiverSite(MethodType type, Resolver resolver, BoundaryLinks links) {
        super(type, type, resolver, links);
    }

    /**
     * The guard "the receiver is a {@code receiverClass}". For a class of a generation, and for a
     * final class, {@code Class.isInstance} on the constant class: an intrinsic without a branch
     * profile, so a new generation's objects reaching the site make no uncommon trap in every
     * method that inlined the guard (a subclass of a generation's class is of the same
     * generation, so it may share the entry). Other shell and JDK classes need the exact class:
     * a subclass of {@code Object} is not an {@code Object} to resolve as one.
     */
    private static MethodHandle guard(Class<?> receiverClass) {
        boolean sameGenerationSubclasses = receiverClass.getClassLoader() instanceof GenerationLoader
                || (!receiverClass.isArray() && Modifier.isFinal(receiverClass.getModifiers()));
        return sameGenerationSubclasses ? IS_INSTANCE.bindTo(receiverClass)
                : MethodHandles.insertArguments(IS_CLASS, 0, receiverClass);
    }

    private static boolean isClass(Class<?> expected, Object receiver) {
        return receiver != null && receiver.getClass() == expected;
    }

    @Override
    LiveSet.Epoch epoch() {
        return BoundaryLinks.receiverEpoch();
    }

    /**
     * What a generation's class resolves to at this site, held by that class rather than by the
     * site: an object of a retired generation that shell state still holds (a pinned generation)
     * is never cached in the site's chain, which would pin the generation itself, and would
     * otherwise be resolved again at every call.
     */
    private final ClassValue<MethodHandle> inOwnGeneration = new ClassValue<>() {
        @Override
        protected MethodHandle computeValue(Class<?> type) {
            return resolveIn(type.getClassLoader());
        }
    };

    /**
     * A null's result at a {@code checkcast} (null) or {@code instanceof} (false) site, made at the first null: a null
     * is never cached in the chain, so every one comes through the fallback.
     */
    private volatile MethodHandle nullResult;

    @Override
    MethodHandle relink(Object receiver) {
        if (receiver == null) {
            switch (resolver.kind()) {
                case CHECKCAST:
                case INSTANCEOF:
                    MethodHandle result = nullResult;
                    if (result == null) {
                        result = MethodHandles.empty(type()); // null, false
                        nullResult = result;
                    }
                    return result;
                default:
                    throw new NullPointerException();
            }
        }
        Class<?> receiverClass = receiver.getClass();
        MethodHandle target = cached(receiverClass);
        if (target != null) { // a new epoch: relink from what is cached (or leave it to the relinker)
            if (!awaitsRelinker()) {
                link(List.of());
            }
            return target;
        }
        ClassLoader own = receiverClass.getClassLoader();
        if (own instanceof GenerationLoader) {
            target = inOwnGeneration.get(receiverClass);
            if (!links.isRetired(own)) {
                addEntry(receiverClass, own, target);
            }
            return target;
        }
        // A shell or JDK object where a swappable type is expected: judge it in the thread's binding.
        ClassLoader generation = Bindings.effective();
        target = resolveIn(generation);
        addEntry(receiverClass, generation, target);
        return target;
    }

    private void addEntry(Class<?> receiverClass, ClassLoader generation, MethodHandle target) {
        MethodHandle test = guard(receiverClass).asType(MethodType.methodType(boolean.class, type().parameterType(0)));
        link(List.of(new Entry(receiverClass, generation, test, target)));
    }

    private MethodHandle resolveIn(ClassLoader generation) {
        try {
            return resolver.resolve(generation);
        } catch (NoClassDefFoundError absent) {
            if (resolver.kind() != SiteKind.INSTANCEOF) {
                throw absent;
            }
            // The type does not exist in the value's generation, so the value is not one: a catch
            // of a type added later lets an older generation's exception through, as it should.
            return MethodHandles.dropArguments(MethodHandles.constant(boolean.class, false), 0,
                    type().parameterType(0));
        }
    }
}
