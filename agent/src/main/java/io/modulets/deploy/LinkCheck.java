package io.modulets.deploy;

import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Predicate;

import org.objectweb.asm.Opcodes;

import io.modulets.boundary.BoundaryReferences.Need;
import io.modulets.boundary.BoundaryReferences.Reference;

/**
 * The link check (DESIGN §4, Deploying): every swappable class and member that loaded shell code reaches
 * through the boundary must exist in the new generation, with the same descriptor and the same
 * static-ness, so that the shell never meets a {@code NoSuchMethodError} in a running task. Looks
 * members up as the JVM would resolve them (the class, its superclasses, then its
 * superinterfaces), in the new classes' bytes; a supertype outside the new jars (a shared class)
 * is read from the shell's class path as bytes. Nothing is loaded.
 */
final class LinkCheck {
    /** The supertype chain met a shared class whose bytes cannot be read: assume it has the member. */
    private static final ClassShape UNKNOWN = new ClassShape("", 0, null, List.of(), Map.of(), Map.of());

    /** A swappable supertype the new jars lack: it has no members (and the class will not load). */
    private static final ClassShape ABSENT = new ClassShape("", 0, null, List.of(), Map.of(), Map.of());

    private final Map<String, ClassShape> generation;
    private final Map<String, String> sources;
    private final List<String> jars;
    private final ClassLoader sharedBytes;
    private final Predicate<String> swappable;
    private final Map<String, ClassShape> shared = new HashMap<>();

    /**
     * @param classes     the new generation's classes ({@link JarCheck}): their shapes, and their jars to name
     * @param jars        the file names of the new generation's jars, to name where a missing class is not
     * @param sharedBytes where the bytes of shared supertypes are read from (the shell loader)
     * @param swappable   whether an internal name is swappable: such a supertype must be in the new jars
     */
    LinkCheck(JarCheck.Classes classes, List<String> jars, ClassLoader sharedBytes, Predicate<String> swappable) {
        this.generation = classes.shapes();
        this.sources = classes.jars();
        this.jars = jars;
        this.sharedBytes = sharedBytes;
        this.swappable = swappable;
    }

    /**
     * Refuses with the first broken reference (in a stable order) and how many more there are. Each member is
     * looked up once however many shell methods use it, and only the broken references are sorted: code that runs
     * once per deploy runs interpreted, and a shell's thousands of sites would otherwise take tens of
     * milliseconds of the deploy (docs/PERFORMANCE.md, the activation time).
     *
     * @param usersByMember each member (a reference whose {@code usedBy} is empty) with the shell methods that use it
     */
    void check(Map<Reference, ? extends Collection<String>> usersByMember) throws DeployRefused {
        List<Reference> broken = new ArrayList<>();
        for (Map.Entry<Reference, ? extends Collection<String>> used : usersByMember.entrySet()) {
            Reference member = used.getKey();
            if (problem(member) != null) {
                for (String user : used.getValue()) {
                    broken.add(member.withUser(user));
                }
            }
        }
        if (!broken.isEmpty()) {
            broken.sort(new StableOrder());
            Reference reference = broken.get(0);
            String jar = sources.get(reference.owner());
            throw new DeployRefused("link check: " + (jar == null ? "" : jar + ": ") + problem(reference)
                    + ", used by shell " + reference.usedBy()
                    + (broken.size() > 1 ? " (and " + (broken.size() - 1) + " more)" : ""));
        }
    }

    /** What is wrong with one reference in the new generation, or null. */
    String problem(Reference ref) {
        ClassShape owner = generation.get(ref.owner());
        String target = ref.target();
        if (owner == null) {
            return JarCheck.dotted(ref.owner()) + " is missing from " + String.join(", ", jars);
        }
        switch (ref.need()) {
            case CLASS:
                return null;
            case CONSTRUCTOR: {
                if (owner.isInterface() || owner.isAbstract()) {
                    return JarCheck.dotted(ref.owner()) + " cannot be instantiated any more (now "
                            + (owner.isInterface() ? "an interface" : "abstract") + ")";
                }
                Integer access = owner.methods().get(ref.member() + ref.descriptor());
                if (access == null) return "constructor " + target + " is missing";
                return (access & Opcodes.ACC_PRIVATE) != 0 ? "constructor " + target + " is now private" : null;
            }
            case STATIC_METHOD:
            case INSTANCE_METHOD: {
                boolean wantStatic = ref.need() == Need.STATIC_METHOD;
                Integer access = lookup(owner, ref.member() + ref.descriptor(), false);
                return judge(access, wantStatic, "method", target, false);
            }
            default: {
                boolean wantStatic = ref.need() == Need.STATIC_FIELD || ref.need() == Need.STATIC_FIELD_WRITE;
                boolean write = ref.need() == Need.STATIC_FIELD_WRITE || ref.need() == Need.INSTANCE_FIELD_WRITE;
                Integer access = lookup(owner, ref.member() + ":" + ref.descriptor(), true);
                String field = JarCheck.dotted(ref.owner()) + "." + ref.member() + " (" + ref.descriptor() + ")";
                return judge(access, wantStatic, "field", field, write);
            }
        }
    }

    private static String judge(Integer access, boolean wantStatic, String what, String target, boolean write) {
        String kind = (wantStatic ? "static " : "instance ") + what;
        if (access == null) return kind + " " + target + " is missing";
        if (access == Integer.MIN_VALUE) return null; // inherited from a shared class we cannot read
        if (((access & Opcodes.ACC_STATIC) != 0) != wantStatic) {
            return kind + " " + target + " is now " + (wantStatic ? "an instance " : "a static ") + what;
        }
        if ((access & Opcodes.ACC_PRIVATE) != 0) return kind + " " + target + " is now private";
        if (write && (access & Opcodes.ACC_FINAL) != 0) return kind + " " + target + " is now final";
        return null;
    }

    /**
     * The access flags of the member as resolution finds it: the class and its superclasses, then
     * every superinterface; {@code Integer.MIN_VALUE} when an unreadable shared supertype may have
     * it; null when nothing has it.
     */
    private Integer lookup(ClassShape start, String key, boolean field) {
        boolean unknown = false;
        List<ClassShape> classes = new ArrayList<>();
        for (ClassShape c = start; c != null; c = c.superName() == null ? null : shape(c.superName())) {
            if (c == UNKNOWN) {
                unknown = true;
                break;
            }
            Integer access = (field ? c.fields() : c.methods()).get(key);
            if (access != null) return access;
            classes.add(c);
        }
        Deque<String> interfaces = new ArrayDeque<>();
        Set<String> seen = new HashSet<>();
        for (ClassShape c : classes) interfaces.addAll(c.interfaces());
        while (!interfaces.isEmpty()) {
            String name = interfaces.poll();
            if (!seen.add(name)) continue;
            ClassShape itf = shape(name);
            if (itf == UNKNOWN) {
                unknown = true;
                continue;
            }
            Integer access = (field ? itf.fields() : itf.methods()).get(key);
            // a method of an interface is inherited unless static or private; fields always are
            if (access != null && (field || (access & (Opcodes.ACC_STATIC | Opcodes.ACC_PRIVATE)) == 0)) {
                return access;
            }
            interfaces.addAll(itf.interfaces());
        }
        return unknown ? Integer.MIN_VALUE : null;
    }

    /** A supertype: from the new generation if it is there, else a shared class read as bytes. */
    private ClassShape shape(String internalName) {
        ClassShape own = generation.get(internalName);
        if (own != null) return own;
        if (swappable.test(internalName)) return ABSENT; // the new jars lack a swappable supertype
        return shared.computeIfAbsent(internalName, this::readShared);
    }

    private ClassShape readShared(String internalName) {
        try (InputStream in = sharedBytes.getResourceAsStream(internalName + ".class")) {
            return in == null ? UNKNOWN : ClassShapes.readMembers(in.readAllBytes());
        } catch (IOException | RuntimeException e) {
            return UNKNOWN;
        }
    }

    /**
     * By owner, member, descriptor, then user. Written out: a comparator composed of method references spins a class
     * for each at the first deploy check, which generation 1's runs in premain (docs/PERFORMANCE.md, start-up).
     */
    private static final class StableOrder implements Comparator<Reference> {
        @Override
        public int compare(Reference a, Reference b) {
            int order = a.owner().compareTo(b.owner());
            if (order == 0) {
                order = a.member().compareTo(b.member());
            }
            if (order == 0) {
                order = a.descriptor().compareTo(b.descriptor());
            }
            return order != 0 ? order : a.usedBy().compareTo(b.usedBy());
        }
    }
}
