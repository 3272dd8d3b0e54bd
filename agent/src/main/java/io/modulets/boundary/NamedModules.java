package io.modulets.boundary;

import java.lang.module.Configuration;
import java.lang.module.ResolvedModule;
import java.net.URI;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

import io.modulets.config.Log;
import io.modulets.config.PackageFilter;

/**
 * The application's named modules of the boot layer (the module path, {@code -m}; DESIGN §3, named
 * modules), sorted into what the agent does with each. A module whose packages are all swappable is a
 * <em>swappable module</em>: each generation defines it again, from the modules directory, in a layer
 * of its own, and the boot layer's copy (on the module path because the application {@code requires}
 * it) never loads a class. Every other application module is a <em>shell module</em>: the boundary
 * rewrites its classes like the class path's. A module that holds swappable and shell packages cannot
 * be either, and a swappable module without a modules directory has no generation to come from: both
 * are refused in one line before {@code main}.
 *
 * <p>The JDK's own modules ({@code java.*}, and {@code jdk.*} of the run-time image) are never the
 * application's: {@code packages=org} must not find {@code org.w3c.dom} in {@code java.xml}. An
 * application linked into the run-time image by {@code jlink} is looked at like one on the module path.
 */
public final class NamedModules {
    private NamedModules() {
    }

    /**
     * The application modules of a boot layer: the swappable ones and the shell ones, by name.
     *
     * @param swappable the modules whose packages are all swappable, which generations define again
     * @param shell     the application's other named modules, which the boundary rewrites
     */
    public record Layout(Set<String> swappable, Set<String> shell) {
        public static final Layout NONE = new Layout(Set.of(), Set.of());

        public boolean isModular() {
            return !swappable.isEmpty() || !shell.isEmpty();
        }
    }

    /**
     * The layout of {@code configuration}'s application modules.
     *
     * @param configuration the boot layer's, at premain
     * @param modulePath    whether the JVM was given a module path ({@code jdk.module.path} is set)
     */
    public static Layout layout(Configuration configuration, boolean modulePath, PackageFilter filter) {
        Set<String> swappable = new TreeSet<>();
        Set<String> shell = new TreeSet<>();
        for (ResolvedModule module : applications(configuration, modulePath)) {
            Set<String> packages = module.reference().descriptor().packages();
            boolean all = !packages.isEmpty() && packages.stream().allMatch(p -> filter.isSwappable(p + "."));
            (all ? swappable : shell).add(module.name());
        }
        return new Layout(swappable, shell);
    }

    /**
     * The one line that refuses this module graph at start, or empty: a module holding swappable and shell
     * packages, or a swappable module without a modules directory.
     *
     * @param given      how the swappable packages were given, for the line ({@code packages=com.acme})
     * @param modulesDir whether the agent was given {@code modules=DIR}
     */
    public static Optional<String> refusal(Configuration configuration, boolean modulePath, PackageFilter filter,
            String given, boolean modulesDir) {
        return reason(configuration, modulePath, filter, given, modulesDir ? null : Set.of(), true)
                .map(reason -> "modulets: " + reason);
    }

    /**
     * What a run-time change of the lists to {@code filter} is refused for, without {@code "modulets: "}: a
     * module holding swappable and shell packages, or a module becoming swappable that was not at start
     * (its classes may be loaded by the JDK's application loader).
     *
     * @param swappableAtStart the swappable modules the start found
     */
    public static Optional<String> changeReason(Configuration configuration, boolean modulePath,
            PackageFilter filter, String given, Set<String> swappableAtStart) {
        return reason(configuration, modulePath, filter, given, swappableAtStart, false);
    }

    /** @param allowed the modules that may be swappable, or null for any */
    private static Optional<String> reason(Configuration configuration, boolean modulePath, PackageFilter filter,
            String given, Set<String> allowed, boolean atStart) {
        for (ResolvedModule module : applications(configuration, modulePath)) {
            Set<String> packages = module.reference().descriptor().packages();
            Set<String> swappable = new TreeSet<>();
            Set<String> shell = new TreeSet<>();
            for (String p : packages) {
                (filter.isSwappable(p + ".") ? swappable : shell).add(p);
            }
            if (swappable.isEmpty()) {
                continue;
            }
            if (!shell.isEmpty()) {
                return line("the swappable package " + swappable.iterator().next() + " (" + given
                        + ") is inside the named module " + describe(module) + ", with the shell package "
                        + shell.iterator().next() + "; move the swappable packages to a module of their own, run from"
                        + " modules=DIR, or run the application from the class path");
            }
            if (allowed != null && !allowed.contains(module.name())) {
                return line(atStart
                        ? "the named module " + describe(module) + " holds only swappable packages (" + given
                                + ") and there is no modules=DIR: put its jar in a modules directory and give"
                                + " modules=DIR (the jar may stay on the module path, where its classes are never"
                                + " loaded)"
                        : "the named module " + describe(module) + " would become swappable (" + given
                                + "), but it was a shell module at start; restart the application with these lists");
            }
        }
        return Optional.empty();
    }

    /** The application modules, sorted by name. A plain loop: an application on the class path pays no more. */
    private static List<ResolvedModule> applications(Configuration configuration, boolean modulePath) {
        List<ResolvedModule> modules = new ArrayList<>();
        for (ResolvedModule module : configuration.modules()) {
            if (isApplications(module, modulePath)) {
                modules.add(module);
            }
        }
        if (modules.size() > 1) { // on the class path none: no comparator made (a lambda spun) for nothing
            modules.sort(new Comparator<ResolvedModule>() {
                @Override
                public int compare(ResolvedModule a, ResolvedModule b) {
                    return a.name().compareTo(b.name());
                }
            });
        }
        return modules;
    }

    /** Names from paths may hold anything: the line stays one line (DESIGN §6). */
    private static Optional<String> line(String what) {
        return Optional.of(Log.escape(what));
    }

    /**
     * Not a module of the JDK. A module named {@code java.*} is one of Java SE's, and one named
     * {@code jdk.*} is the JDK's unless it comes from the module path:
     * its location is read only then, since making the URI of every JDK module took milliseconds of
     * every start. Any other module is the application's, from the module path or linked into the
     * run-time image by jlink.
     */
    static boolean isApplications(ResolvedModule module, boolean modulePath) {
        String name = module.name();
        if (name.startsWith("java.")) {
            return false;
        }
        if (!name.startsWith("jdk.")) {
            return true;
        }
        Optional<URI> location = modulePath ? module.reference().location() : Optional.empty();
        return location.isPresent() && !"jrt".equals(location.get().getScheme());
    }

    private static String describe(ResolvedModule module) {
        String location = module.reference().location().map(uri -> "file".equals(uri.getScheme())
                ? Path.of(uri).toString() : uri.toString()).orElse("no location");
        return module.name() + " (" + location + ")";
    }
}
