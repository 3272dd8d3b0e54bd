package io.modulets.boundary;

import java.util.Collection;
import java.util.Collections;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;

/**
 * Every swappable class and member that shell code reaches through the boundary, recorded when
 * the shell class is rewritten (so: every shell class loaded so far). Before a new generation is
 * activated, the deploy link check looks each one up in the new class bytes, so that a version
 * lacking what the shell calls is refused instead of failing in a running task. Grows only; its
 * size is bounded by the boundary sites in the shell's code.
 */
public final class BoundaryReferences {
    /**
     * The shell methods that use each member, by member (a reference whose {@code usedBy} is empty): a deploy's
     * link check looks each member up once, however many sites use it.
     */
    private static final ConcurrentHashMap<Reference, Set<String>> RECORDED = new ConcurrentHashMap<>();
    /** Not a lambda: the first shell class records in premain, and a lambda spins classes there. */
    private static final Function<Reference, Set<String>> NEW_USERS = new Function<Reference, Set<String>>() {
        @Override
        public Set<String> apply(Reference member) {
            return ConcurrentHashMap.newKeySet(1); // most members have one user: a table of two, not sixteen
        }
    };

    private BoundaryReferences() {
    }

    /** What a site needs of the generation. */
    public enum Need {
        /** the class exists ({@code checkcast}, {@code instanceof}, class literals, arrays) */
        CLASS,
        /** a static method, {@code member + descriptor} */
        STATIC_METHOD,
        /** an instance method, possibly inherited or a default method */
        INSTANCE_METHOD,
        /** a constructor declared by the class itself, which must be instantiable */
        CONSTRUCTOR,
        /** a static field, read ({@code PUT_STATIC} writes it: {@link #STATIC_FIELD_WRITE}) */
        STATIC_FIELD,
        STATIC_FIELD_WRITE,
        /** an instance field, read or written */
        INSTANCE_FIELD,
        INSTANCE_FIELD_WRITE
    }

    /**
     * One reference from shell code. {@code owner} is an internal name ({@code com/acme/W});
     * {@code member} and {@code descriptor} are empty for {@link Need#CLASS}; {@code usedBy} is
     * the shell method, {@code com.acme.Shell.run}.
     */
    public record Reference(Need need, String owner, String member, String descriptor, String usedBy) {
        /** For messages: {@code com.acme.W.f(I)V} or {@code com.acme.W}. */
        public String target() {
            String type = owner.replace('/', '.');
            return member.isEmpty() ? type : type + "." + member + descriptor;
        }

        /** The same need of the same member, used by {@code user} ({@code ""}: the member alone). */
        public Reference withUser(String user) {
            return new Reference(need, owner, member, descriptor, user);
        }

        // Written out: a record's own equals and hashCode bootstrap java.lang.runtime.ObjectMethods, about 30
        // spun method-handle classes on the first shell class the boundary transformer reads (JVM start-up).
        @Override
        public boolean equals(Object other) {
            return other instanceof Reference r && need == r.need && Objects.equals(owner, r.owner)
                    && Objects.equals(member, r.member) && Objects.equals(descriptor, r.descriptor)
                    && Objects.equals(usedBy, r.usedBy);
        }

        @Override
        public int hashCode() {
            return Objects.hash(need, owner, member, descriptor, usedBy);
        }
    }

    static void record(SiteKind kind, String owner, String member, String descriptor, String usedBy) {
        Need need = need(kind);
        if (need == Need.CLASS) {
            RECORDED.computeIfAbsent(new Reference(need, elementType(owner), "", "", ""), NEW_USERS).add(usedBy);
        } else if (need != null) {
            RECORDED.computeIfAbsent(new Reference(need, owner, member, descriptor, ""), NEW_USERS).add(usedBy);
        }
    }

    /** {@code com/acme/W} for {@code com/acme/W}, {@code [Lcom/acme/W;} and {@code [[Lcom/acme/W;}. */
    private static String elementType(String type) {
        String element = type.substring(type.lastIndexOf('[') + 1);
        return element.startsWith("L") && element.endsWith(";") ? element.substring(1, element.length() - 1) : element;
    }

    /**
     * The references recorded so far: each member (a reference whose {@code usedBy} is empty) with the shell
     * methods that use it, in no particular order; a live view, which shell classes loading meanwhile add to.
     */
    public static Map<Reference, Set<String>> byMember() {
        return Collections.unmodifiableMap(RECORDED);
    }

    /** {@code references} grouped as {@link #byMember()} groups the recorded ones. */
    public static Map<Reference, Set<String>> byMember(Collection<Reference> references) {
        Map<Reference, Set<String>> grouped = new HashMap<>();
        for (Reference r : references) {
            grouped.computeIfAbsent(r.withUser(""), NEW_USERS).add(r.usedBy());
        }
        return grouped;
    }

    /** What {@code kind} needs of the generation, or null for a site that needs nothing of it. */
    private static Need need(SiteKind kind) {
        return switch (kind) {
            case INVOKE_STATIC -> Need.STATIC_METHOD;
            case INVOKE_VIRTUAL -> Need.INSTANCE_METHOD;
            case NEW -> Need.CONSTRUCTOR;
            case GET_STATIC -> Need.STATIC_FIELD;
            case PUT_STATIC -> Need.STATIC_FIELD_WRITE;
            case GET_FIELD -> Need.INSTANCE_FIELD;
            case PUT_FIELD -> Need.INSTANCE_FIELD_WRITE;
            case CLASS_LITERAL, NEW_ARRAY, LAMBDA, NEW_MULTI_ARRAY, CHECKCAST, INSTANCEOF, ENUM_SWITCH -> Need.CLASS;
            case BY_NAME -> null; // loading by name names no member; the name is only known when it runs
            case TOKEN -> null; // reads the thread's binding, names nothing
        };
    }
}
