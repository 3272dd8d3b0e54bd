package io.modulets.boundary;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

import org.objectweb.asm.ConstantDynamic;
import org.objectweb.asm.Handle;
import org.objectweb.asm.Type;

/**
 * What the JDK's bootstraps would make of a shell {@code invokedynamic} (or dynamic constant) once its
 * swappable types are erased (docs/BOUNDARY.md): {@code LambdaMetafactory} gets its own rules
 * ({@link Lambda}); {@code StringConcatFactory}, {@code ObjectMethods} and other bootstraps that only
 * receive values take erased types as they take {@code Object}; a bootstrap given a swappable class, member
 * or name as a constant would resolve it in the shell's loader, so such a site is refused.
 */
final class Indys {
    private static final String SWITCH_BOOTSTRAPS = "java/lang/runtime/SwitchBootstraps";

    private Indys() {
    }

    /**
     * The first swappable type that {@code bootstrap}'s constants name (or, for {@code SwitchBootstraps},
     * whose invocation type must be the real type: an {@code enumSwitch} needs an enum), or null.
     */
    static String swappableNamedBy(Erasure erasure, String descriptor, Handle bootstrap, Object[] arguments) {
        if (bootstrap.getOwner().equals(SWITCH_BOOTSTRAPS) && !erasure.erase(descriptor).equals(descriptor)) {
            return descriptor;
        }
        for (Object argument : arguments) {
            String named = swappableNamedBy(erasure, argument, false);
            if (named != null) {
                return named;
            }
        }
        return null;
    }

    /** The swappable type a constant names, looking into dynamic constants; null if none. */
    static String swappableNamedBy(Erasure erasure, Object constant) {
        return swappableNamedBy(erasure, constant, true);
    }

    /**
     * @param byName whether a string that is a class's binary name names it: in a dynamic constant's
     *               arguments ({@code ClassDesc.of("com.acme.Color")}), not in a string concatenation's
     *               recipe or a string switch's labels
     */
    private static String swappableNamedBy(Erasure erasure, Object constant, boolean byName) {
        if (constant instanceof Handle) {
            Handle handle = (Handle) constant;
            return erasure.isSwappable(handle.getOwner()) ? handle.getOwner() + "." + handle.getName() : null;
        }
        if (constant instanceof Type) {
            Type type = (Type) constant;
            if (type.getSort() == Type.METHOD) {
                return null; // erased with the shell's own descriptors, as a lambda's
            }
            return erasure.isSwappableType(type) ? type.getDescriptor() : null;
        }
        if (constant instanceof String) {
            // a class named by its binary name (javac 21's ClassDesc.of("com.acme.Color") in an enum label)
            String name = (String) constant;
            return byName && isBinaryName(name) && erasure.isSwappable(name.replace('.', '/')) ? name : null;
        }
        if (constant instanceof ConstantDynamic) {
            ConstantDynamic condy = (ConstantDynamic) constant;
            String named = swappableNamedBy(erasure, condy.getBootstrapMethod());
            if (named == null && erasure.isSwappableType(Type.getType(condy.getDescriptor()))) {
                named = condy.getDescriptor();
            }
            for (int i = 0; named == null && i < condy.getBootstrapMethodArgumentCount(); i++) {
                named = swappableNamedBy(erasure, condy.getBootstrapMethodArgument(i), true);
            }
            return named;
        }
        return null;
    }

    /** {@code com.acme.Outer$Inner}: Java identifiers separated by dots. */
    private static boolean isBinaryName(String name) {
        if (name.isEmpty() || name.startsWith(".") || name.endsWith(".") || name.contains("..")) {
            return false;
        }
        for (int i = 0; i < name.length(); i++) {
            char c = name.charAt(i);
            if (c != '.' && !Character.isJavaIdentifierPart(c)) {
                return false;
            }
        }
        return true;
    }

    /** A {@code LambdaMetafactory.metafactory} or {@code altMetafactory} site's constants. */
    static final class Lambda {
        // LambdaMetafactory.FLAG_SERIALIZABLE, FLAG_MARKERS, FLAG_BRIDGES
        private static final int SERIALIZABLE = 1;
        private static final int MARKERS = 2;
        private static final int BRIDGES = 4;

        private final Object[] arguments;
        private final int flags;
        private final List<Type> markers = new ArrayList<>();
        private final List<Type> bridges = new ArrayList<>();

        private Lambda(Object[] arguments) {
            this.arguments = arguments;
            int at = 3;
            flags = arguments.length > at ? (Integer) arguments[at++] : 0;
            if ((flags & MARKERS) != 0) {
                int count = (Integer) arguments[at++];
                for (int i = 0; i < count; i++) {
                    markers.add((Type) arguments[at++]);
                }
            }
            if ((flags & BRIDGES) != 0) {
                int count = (Integer) arguments[at++];
                for (int i = 0; i < count; i++) {
                    bridges.add((Type) arguments[at++]);
                }
            }
        }

        static Lambda of(Object[] arguments) {
            return new Lambda(arguments);
        }

        Type sam() {
            return (Type) arguments[0];
        }

        Handle implementation() {
            return (Handle) arguments[1];
        }

        Type instantiated() {
            return (Type) arguments[2];
        }

        /** The bridge types' descriptors, separated by spaces ("" if none). */
        String bridges() {
            StringBuilder joined = new StringBuilder();
            for (Type bridge : bridges) {
                joined.append(joined.length() == 0 ? "" : " ").append(bridge.getDescriptor());
            }
            return joined.toString();
        }

        /** Why the lambda cannot be made transparent in shell code (one line), or null. */
        String refusal(Erasure erasure, String functional) {
            boolean swappableFunctional = erasure.isSwappable(functional);
            String dotted = functional.replace('/', '.');
            for (Type marker : markers) {
                if (erasure.isSwappableType(marker) || swappableFunctional) {
                    return "a lambda or method reference of " + dotted + " cast to the further interface "
                            + marker.getClassName() + " (an intersection cast with a swappable interface: "
                            + "implement it with a swappable class instead)";
                }
            }
            boolean swappableImplementation = erasure.isSwappable(implementation().getOwner());
            if ((flags & SERIALIZABLE) != 0 && (swappableFunctional || swappableImplementation)) {
                return "a serializable " + (swappableFunctional ? "lambda or method reference of " + dotted
                        : "method reference to " + implementation().getOwner().replace('/', '.') + "."
                        + implementation().getName())
                        + " (deserialization would resolve it in the shell's loader: make it not serializable, "
                        + "or write it as a lambda of a shell interface)";
            }
            return null;
        }

        /**
         * The constants for the JDK's own metafactory, the body replaced by {@code implementation}: bridge
         * types that are the same as the interface method's, or as each other, once erased are dropped
         * (the metafactory would define the same method twice).
         */
        Object[] routed(Handle implementation, Erasure erasure) {
            Object[] routed = arguments.clone();
            routed[1] = implementation;
            if (bridges.isEmpty()) {
                return routed;
            }
            Set<String> seen = new LinkedHashSet<>();
            seen.add(erasure.erase(sam().getDescriptor()));
            List<Type> kept = new ArrayList<>();
            for (Type bridge : bridges) {
                if (seen.add(erasure.erase(bridge.getDescriptor()))) {
                    kept.add(bridge);
                }
            }
            if (kept.size() == bridges.size()) {
                return routed;
            }
            int bridgeCount = routed.length - bridges.size() - 1;
            List<Object> rebuilt = new ArrayList<>(Arrays.asList(routed).subList(0, bridgeCount));
            rebuilt.add(kept.size());
            rebuilt.addAll(kept);
            return rebuilt.toArray();
        }
    }
}
