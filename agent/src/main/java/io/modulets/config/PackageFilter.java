package io.modulets.config;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * Decides whether a class is swappable: under one of the swappable package prefixes and
 * under none of the shared ones (the built-in {@link #BUILT_IN_SHARED} and the user's).
 * A shared prefix under a swappable one is a carve-out: {@code packages=com.acme,
 * shared=com.acme.api} swaps {@code com.acme.jobs.X} but not {@code com.acme.api.X}.
 *
 * <p>Asked on every class load, so the checks allocate nothing: they compare the name
 * against prefixes precomputed with both separators ({@code "com.acme.jobs."} and
 * {@code "com/acme/jobs/"}), held in one immutable snapshot that {@link #replace} swaps
 * atomically (one volatile read per check). A prefix covers its subpackages, not its siblings:
 * {@code com.acme.jobs} covers {@code com.acme.jobs.sub.X} but not {@code com.acme.jobsx.X}.
 * A class in the unnamed package is never swappable. Thread-safe.
 */
public final class PackageFilter {

    /** Never swapped: the JDK and the agent itself, with everything it bundles (shaded under it). */
    public static final List<String> BUILT_IN_SHARED =
            List.of("java", "javax", "jdk", "sun", "com.sun", "io.modulets");

    /** The lists in force; replaced as a whole, so a check always sees one consistent pair of lists. */
    private volatile Prefixes prefixes;

    private PackageFilter(Prefixes prefixes) {
        this.prefixes = prefixes;
    }

    /**
     * @param packages swappable package prefixes, e.g. {@code com.acme.jobs}
     * @param shared   the user's extra never-swapped prefixes (the built-in ones are always added)
     * @throws IllegalArgumentException if an entry is not a Java package name
     */
    public static PackageFilter of(List<String> packages, List<String> shared) {
        return new PackageFilter(new Prefixes(checked(packages), checked(shared)));
    }

    /**
     * Replaces both lists at once (the run-time package lists of DESIGN §4): every check after it
     * returns sees the new lists. Whether a change is safe is the caller's to decide
     * ({@code manage.PackageLists}).
     *
     * @throws IllegalArgumentException if an entry is not a Java package name; nothing changes then
     */
    public void replace(List<String> packages, List<String> shared) {
        prefixes = new Prefixes(checked(packages), checked(shared));
    }

    /** Whether the class with this binary name ({@code com.acme.jobs.Mail$1}) is swappable; false for null. */
    public boolean isSwappable(String binaryName) {
        Prefixes p = prefixes;
        return isSwappable(binaryName, p.binaryPackages, p.binaryShared);
    }

    /** Whether the class with this internal name ({@code com/acme/jobs/Mail$1}) is swappable; false for null. */
    public boolean isSwappableInternal(String internalName) {
        Prefixes p = prefixes;
        return isSwappable(internalName, p.internalPackages, p.internalShared);
    }

    /** The swappable prefixes, as given. */
    public List<String> packages() {
        return prefixes.packages;
    }

    /** The user's shared prefixes, as given (without {@link #BUILT_IN_SHARED}). */
    public List<String> shared() {
        return prefixes.shared;
    }

    @Override
    public String toString() {
        Prefixes p = prefixes;
        return "PackageFilter[packages=" + String.join(":", p.packages)
                + ", shared=" + String.join(":", p.shared) + "]";
    }

    // Null is allowed because a ClassFileTransformer is handed null for hidden classes.
    // Swappable prefixes are checked first: most classes loaded are JDK or library
    // classes that match none, and they need no look at the shared list.
    private static boolean isSwappable(String name, String[] swappable, String[] shared) {
        if (name == null || !startsWithAny(name, swappable)) {
            return false;
        }
        return !startsWithAny(name, shared);
    }

    private static boolean startsWithAny(String name, String[] prefixes) {
        for (String prefix : prefixes) {
            if (name.startsWith(prefix)) {
                return true;
            }
        }
        return false;
    }

    private static String[] withSeparator(List<String> prefixes, char separator) {
        String[] withSeparator = new String[prefixes.size()];
        for (int i = 0; i < withSeparator.length; i++) {
            withSeparator[i] = prefixes.get(i).replace('.', separator) + separator;
        }
        return withSeparator;
    }

    private static List<String> checked(List<String> prefixes) {
        List<String> copy = List.copyOf(prefixes);
        for (String prefix : copy) {
            if (!isPackageName(prefix)) {
                throw new IllegalArgumentException("not a Java package name: '" + prefix + "'");
            }
        }
        return copy;
    }

    /**
     * Whether {@code name} is dot-separated Java identifiers, e.g. {@code com.acme.jobs}.
     * Java keywords are accepted: classes compiled from other JVM languages can live in a
     * package such as {@code org.jetbrains.kotlin.native}.
     */
    public static boolean isPackageName(String name) {
        if (name.isEmpty()) {
            return false;
        }
        boolean segmentStart = true;
        for (int i = 0; i < name.length(); ) {
            int c = name.codePointAt(i);
            if (c == '.') {
                if (segmentStart) {
                    return false;
                }
                segmentStart = true;
            } else if (Character.isIdentifierIgnorable(c)) {
                return false; // a control character is a Java identifier part, but never meant
            } else if (segmentStart ? Character.isJavaIdentifierStart(c) : Character.isJavaIdentifierPart(c)) {
                segmentStart = false;
            } else {
                return false;
            }
            i += Character.charCount(c);
        }
        return !segmentStart;
    }

    /** Whether {@code name} equals {@code prefix} or lies under it ({@code com.acme.jobs} under {@code com.acme}). */
    public static boolean isUnder(String name, String prefix) {
        return name.equals(prefix)
                || (name.length() > prefix.length() && name.startsWith(prefix) && name.charAt(prefix.length()) == '.');
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof PackageFilter that && packages().equals(that.packages()) && shared().equals(that.shared());
    }

    @Override
    public int hashCode() {
        return Objects.hash(packages(), shared());
    }

    /** One immutable pair of lists, with the prefixes precomputed for both separators. */
    private static final class Prefixes {
        final List<String> packages;
        final List<String> shared;
        final String[] binaryPackages;
        final String[] binaryShared;
        final String[] internalPackages;
        final String[] internalShared;

        Prefixes(List<String> packages, List<String> shared) {
            this.packages = packages;
            this.shared = shared;
            List<String> allShared = new ArrayList<>(BUILT_IN_SHARED);
            allShared.addAll(shared);
            this.binaryPackages = withSeparator(packages, '.');
            this.internalPackages = withSeparator(packages, '/');
            this.binaryShared = withSeparator(allShared, '.');
            this.internalShared = withSeparator(allShared, '/');
        }
    }
}
