package io.modulets.boundary;

import java.io.IOException;
import java.io.InputStream;
import java.lang.module.Configuration;
import java.lang.module.ModuleDescriptor;
import java.lang.module.ModuleReader;
import java.lang.module.ResolvedModule;
import java.net.URI;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;

import io.modulets.config.Log;
import io.modulets.config.PackageFilter;

/**
 * The application's named modules (the module path, {@code -m}), which the agent cannot serve: the
 * JDK's built-in application loader defines their classes, and it never defines a swappable class
 * and is not a shell loader, so the boundary never rewrites what they name. A swappable package in
 * a named module never loads, and a named module's class that names a swappable class fails where
 * it first reaches it (every request of a server, not its start). Both are found before
 * {@code main}, from the module graph and the class files of the modules that can name a class
 * outside it, and refused in one line.
 *
 * <p>The JDK's own modules ({@code java.*}, and {@code jdk.*} of the run-time image) are never the
 * application's: {@code packages=org} must not find {@code org.w3c.dom} in {@code java.xml}. An
 * application linked into the run-time image by {@code jlink} is looked at like one on the module path.
 */
public final class NamedModules {
    private static final String FIX = "swappable code, and shell code that names it, must be on the class path: run"
            + " the application from the class path (-cp and the main class instead of --module-path and -m)";

    private NamedModules() {
    }

    /**
     * The one line that refuses this module graph, or empty when no application module holds a
     * swappable package or has a class that names a swappable class.
     *
     * @param configuration the boot layer's, at premain
     * @param modulePath    whether the JVM was given a module path ({@code jdk.module.path} is set)
     * @param given         how the swappable packages were given, for the line ({@code packages=com.acme})
     */
    public static Optional<String> refusal(Configuration configuration, boolean modulePath, PackageFilter filter,
            String given) throws IOException {
        return reason(configuration, modulePath, filter, given).map(reason -> "modulets: " + reason);
    }

    /** {@link #refusal}'s line without its {@code "modulets: "}: what a run-time change of the lists is refused for. */
    public static Optional<String> reason(Configuration configuration, boolean modulePath, PackageFilter filter,
            String given) throws IOException {
        // A plain loop: an application on the class path has only the JDK's modules, and pays no more.
        List<ResolvedModule> modules = new ArrayList<>();
        for (ResolvedModule module : configuration.modules()) {
            if (isApplications(module, modulePath)) {
                modules.add(module);
            }
        }
        if (modules.isEmpty()) {
            return Optional.empty();
        }
        modules.sort(Comparator.comparing(ResolvedModule::name));
        for (ResolvedModule module : modules) {
            Optional<String> swappable = module.reference().descriptor().packages().stream()
                    .filter(p -> filter.isSwappable(p + ".")).sorted().findFirst();
            if (swappable.isPresent()) {
                return line("the swappable package " + swappable.get() + " (" + given + ") is in the named module "
                        + describe(module));
            }
        }
        ConstantPoolScan scan = new ConstantPoolScan(
                filter.packages().stream().map(p -> p.replace('.', '/')).toList());
        boolean absentStatic = requiresAbsentStatic(configuration, modules);
        for (ResolvedModule module : modules) {
            if (!module.reference().descriptor().isAutomatic() && !absentStatic) {
                continue;
            }
            Optional<Naming> naming = firstNaming(module, scan, filter);
            if (naming.isPresent()) {
                return line(naming.get().shellClass() + " of the named module " + describe(module)
                        + " names the swappable class " + naming.get().swappable() + " (" + given + ")");
            }
        }
        return Optional.empty();
    }

    /** Names from class files and paths may hold anything: the line stays one line (DESIGN §6). */
    private static Optional<String> line(String what) {
        return Optional.of(Log.escape(what) + "; " + FIX);
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

    /**
     * Whether some application module {@code requires static} a module the graph lacks. Reading class
     * files is what a module path's start pays for (every class of the module), so only modules that
     * can name a class outside the graph are read: an automatic module reads the class path; an explicit
     * module names only classes of the modules it read when compiled, all in the graph (where the
     * packages were looked at) but for those it requires {@code static} (itself or through a
     * {@code requires transitive static}), so with such a module missing every explicit one is read.
     * (A module compiled with {@code javac --add-reads M=ALL-UNNAMED} against the class path is not
     * found.)
     */
    private static boolean requiresAbsentStatic(Configuration configuration, List<ResolvedModule> modules) {
        for (ResolvedModule module : modules) {
            for (ModuleDescriptor.Requires requires : module.reference().descriptor().requires()) {
                if (requires.modifiers().contains(ModuleDescriptor.Requires.Modifier.STATIC)
                        && configuration.findModule(requires.name()).isEmpty()) {
                    return true;
                }
            }
        }
        return false;
    }

    /** A class of a named module, and the first swappable class it names (binary names). */
    record Naming(String shellClass, String swappable) {
    }

    /** The module's first class (by name) that names a swappable class. */
    private static Optional<Naming> firstNaming(ResolvedModule module, ConstantPoolScan scan, PackageFilter filter)
            throws IOException {
        try (ModuleReader reader = module.reference().open(); Stream<String> entries = reader.list()) {
            List<String> classes = entries.filter(e -> e.endsWith(".class") && !e.startsWith("META-INF/")
                    && !e.equals("module-info.class")).sorted().toList();
            for (String entry : classes) {
                Optional<InputStream> in = reader.open(entry);
                if (in.isEmpty()) {
                    continue;
                }
                byte[] bytes;
                try (InputStream stream = in.get()) {
                    bytes = stream.readAllBytes();
                }
                // The scan only says "may": a shared carve-out under a swappable prefix matches it too.
                if (!scan.mentionsSwappable(bytes)) {
                    continue;
                }
                String named = SwappableNames.firstIn(bytes, filter);
                if (named != null) {
                    String name = entry.substring(0, entry.length() - ".class".length()).replace('/', '.');
                    return Optional.of(new Naming(name, named.replace('/', '.')));
                }
            }
        }
        return Optional.empty();
    }

    private static String describe(ResolvedModule module) {
        String location = module.reference().location().map(uri -> "file".equals(uri.getScheme())
                ? Path.of(uri).toString() : uri.toString()).orElse("no location");
        return module.name() + " (" + location + ")";
    }
}
