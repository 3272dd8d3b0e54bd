package io.modulets.boundary;

import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;

/**
 * Resolves one boundary reference in one generation, as a handle of the site's erased type.
 * Members are looked up <em>in</em> the generation's class ({@code caller.in(owner)}), never
 * through the shell's lookup: resolving a member whose descriptor names a swappable type from the
 * shell's loader would record a loader constraint, and the next generation would then fail with a
 * {@code LinkageError} (docs/JVM-NOTES.md, boundary).
 */
final class Resolver {
    private static final MethodHandle CAST;
    private static final MethodHandle IS_INSTANCE;
    private static final MethodHandle NEW_INSTANCE;

    static {
        try {
            MethodHandles.Lookup lookup = MethodHandles.publicLookup();
            CAST = lookup.findVirtual(Class.class, "cast", MethodType.methodType(Object.class, Object.class));
            IS_INSTANCE = lookup.findVirtual(Class.class, "isInstance", MethodType.methodType(boolean.class, Object.class));
            NEW_INSTANCE = lookup.findStatic(java.lang.reflect.Array.class, "newInstance",
                    MethodType.methodType(Object.class, Class.class, int[].class));
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    private final MethodHandles.Lookup caller;
    private final SiteKind kind;
    private final String owner;
    private final String member;
    private final String descriptor;
    private final MethodType siteType;
    /** What a {@link SiteKind#LAMBDA} site makes; null for the other kinds. */
    private final LambdaObjects.Shape lambda;

    Resolver(MethodHandles.Lookup caller, SiteKind kind, String owner, String member, String descriptor,
             MethodType siteType, LambdaObjects.Shape lambda) {
        this.lambda = lambda;
        this.caller = caller;
        this.kind = kind;
        this.owner = owner;
        this.member = member;
        this.descriptor = descriptor;
        this.siteType = siteType;
    }

    /** The site's target in {@code generation}; a missing class or member is a LinkageError, as in plain Java. */
    MethodHandle resolve(ClassLoader generation) {
        if (generation == null) {
            throw new NoClassDefFoundError("modulets: " + owner + " is swappable and no generation is active");
        }
        Class<?> type;
        try {
            type = Class.forName(owner, false, generation);
        } catch (ClassNotFoundException e) {
            throw linkage(new NoClassDefFoundError("modulets: " + owner + " is not in " + generation), e);
        }
        try {
            // Fixed arity: javac already built a varargs method's array, and a varargs collector adapted to the
            // site's type (asType) would collect that array into another one.
            MethodHandle member = find(type, generation).asFixedArity();
            if (kind.runsCode()) {
                member = ThrownHandler.around(member, generation);
            }
            return CrossGeneration.explainCasts(member, siteType, kind.byReceiver).asType(siteType);
        } catch (NoSuchMethodException e) {
            throw linkage(new NoSuchMethodError(message(generation)), e);
        } catch (NoSuchFieldException e) {
            throw linkage(new NoSuchFieldError(message(generation)), e);
        } catch (IllegalAccessException e) {
            throw linkage(new IllegalAccessError(message(generation)), e);
        } catch (ReflectiveOperationException e) {
            throw linkage(new IncompatibleClassChangeError(message(generation)), e);
        }
    }

    private MethodHandle find(Class<?> type, ClassLoader generation) throws ReflectiveOperationException {
        MethodHandles.Lookup in = type.isArray() ? caller : caller.in(type);
        switch (kind) {
            case INVOKE_STATIC:
                return in.findStatic(type, member, methodType(generation));
            case INVOKE_VIRTUAL:
                return in.findVirtual(type, member, methodType(generation));
            case NEW:
                return in.findConstructor(type, methodType(generation));
            case GET_STATIC:
                return in.findStaticGetter(type, member, fieldType(generation));
            case PUT_STATIC:
                return in.findStaticSetter(type, member, fieldType(generation));
            case GET_FIELD:
                return in.findGetter(type, member, fieldType(generation));
            case PUT_FIELD:
                return in.findSetter(type, member, fieldType(generation));
            case CLASS_LITERAL:
                return MethodHandles.constant(Class.class, type);
            case NEW_ARRAY:
                return MethodHandles.arrayConstructor(type.arrayType());
            case NEW_MULTI_ARRAY: {
                int dimensions = Integer.parseInt(member);
                Class<?> component = type;
                for (int i = 0; i < dimensions; i++) {
                    component = component.getComponentType();
                }
                return MethodHandles.insertArguments(NEW_INSTANCE, 0, component)
                        .asCollector(int[].class, dimensions);
            }
            case LAMBDA:
                return LambdaObjects.factory(type, member, lambda, siteType);
            case CHECKCAST:
                return CAST.bindTo(type);
            case INSTANCEOF:
                return IS_INSTANCE.bindTo(type);
            default:
                throw new AssertionError(kind);
        }
    }

    private MethodType methodType(ClassLoader generation) {
        return MethodType.fromMethodDescriptorString(descriptor, generation);
    }

    private Class<?> fieldType(ClassLoader generation) {
        return MethodType.fromMethodDescriptorString("()" + descriptor, generation).returnType();
    }

    private String message(ClassLoader generation) {
        String what = member.isEmpty() || kind == SiteKind.NEW_MULTI_ARRAY ? owner : owner + "." + member + descriptor;
        return "modulets: " + what + " is not in " + generation;
    }

    private static LinkageError linkage(LinkageError error, Throwable cause) {
        error.initCause(cause);
        return error;
    }

    SiteKind kind() {
        return kind;
    }
}
