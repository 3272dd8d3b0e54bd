package io.modulets.manage;

import java.io.IOException;
import java.io.InputStream;
import java.lang.module.Configuration;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import io.modulets.boundary.NamedModules;
import io.modulets.loader.GenerationModules;
import io.modulets.config.Log;
import io.modulets.config.PackageFilter;
import io.modulets.deploy.DeployRefused;
import io.modulets.deploy.Deployer;
import io.modulets.generations.ClassPathJars;
import io.modulets.generations.Generation;
import io.modulets.generations.Registry;
import io.modulets.generations.Snapshot;

/**
 * Changing the package lists while the JVM runs (DESIGN §4): the Python modulets experiment's "remote-control console
 * that includes a new module in the white-list".
 *
 * <p>The rule: a change is possible only while no class whose side it changes (swappable or
 * shared) has been loaded — by the shell or by any generation — and no loaded shell class names
 * the package. A loaded class already has its loader, and a loaded shell class that names the
 * package was linked without the boundary (or with it): neither can be undone. The refusal names
 * the class and says what makes the change possible: restarting with the new list as argument.
 *
 * <p>Where the classes of a package that becomes swappable come from: with {@code modules}, from
 * the modules jars — the next deploy may hold them (the current generation's loader already
 * defines those its snapshot holds, with {@code outside=ignore}). Without {@code modules}, the
 * swappable code is the class path's: the change activates a new generation, the current one's
 * jars plus the class-path jars that hold the package, through the deployer's normal checks; if
 * that deploy is refused, the lists stay as they were.
 */
final class PackageLists {
    private final PackageFilter filter;
    private final LoadedClasses loaded;
    private final Deployer deployer;
    private final Registry registry;
    /** The class path without the agent, or null with {@code modules} (then nothing deploys here). */
    private final List<Path> classPath;
    private final Configuration modules;
    private final boolean modulePath;

    /**
     * @param deployer  null in unit tests of the rule (then nothing deploys)
     * @param classPath the class path, or null when the swappable code comes from {@code modules}
     */
    PackageLists(PackageFilter filter, LoadedClasses loaded, Deployer deployer, Registry registry,
                 List<Path> classPath) {
        this(filter, loaded, deployer, registry, classPath, ModuleLayer.boot().configuration(),
                System.getProperty("jdk.module.path") != null);
    }

    /**
     * @param modules    the module graph whose application modules the new lists are held to (the boot
     *                   layer's), and whether the JVM has a module path ({@code NamedModules})
     */
    PackageLists(PackageFilter filter, LoadedClasses loaded, Deployer deployer, Registry registry,
                 List<Path> classPath, Configuration modules, boolean modulePath) {
        this.modules = modules;
        this.modulePath = modulePath;
        this.filter = filter;
        this.loaded = loaded;
        this.deployer = deployer;
        this.registry = registry;
        this.classPath = classPath;
    }

    PackageFilter filter() {
        return filter;
    }

    PackageFilter addSwappable(String prefix) {
        String what = "addSwappablePackage " + prefix;
        checkName(what, prefix);
        List<String> packages = filter.packages();
        List<String> shared = filter.shared();
        if (packages.contains(prefix)) {
            throw new IllegalArgumentException("modulets: " + what + ": it is swappable already");
        }
        for (String builtIn : PackageFilter.BUILT_IN_SHARED) {
            if (PackageFilter.isUnder(prefix, builtIn)) {
                throw new IllegalArgumentException("modulets: " + what + ": " + String.join(", ",
                        PackageFilter.BUILT_IN_SHARED) + " are never swapped");
            }
        }
        for (String s : shared) {
            if (PackageFilter.isUnder(prefix, s)) {
                throw new IllegalArgumentException("modulets: " + what + ": it is shared (shared package " + s
                        + "); removeSharedPackage " + s + " instead");
            }
        }
        for (String p : packages) {
            if (PackageFilter.isUnder(prefix, p)) {
                throw new IllegalArgumentException("modulets: " + what + ": it is swappable already (under " + p + ")");
            }
        }
        return change(what, prefix, plus(packages, prefix), shared, "packages");
    }

    PackageFilter removeSwappable(String prefix) {
        String what = "removeSwappablePackage " + prefix;
        checkName(what, prefix);
        List<String> packages = filter.packages();
        if (!packages.contains(prefix)) {
            throw new IllegalArgumentException("modulets: " + what + ": not a swappable prefix (they are "
                    + String.join(", ", packages) + ")");
        }
        if (packages.size() == 1) {
            throw new IllegalStateException("modulets: " + what + " refused: it is the only swappable package;"
                    + " nothing would be swappable");
        }
        return change(what, prefix, minus(packages, prefix), filter.shared(), "packages");
    }

    PackageFilter addShared(String prefix) {
        String what = "addSharedPackage " + prefix;
        checkName(what, prefix);
        List<String> shared = filter.shared();
        if (shared.contains(prefix)) {
            throw new IllegalArgumentException("modulets: " + what + ": it is shared already");
        }
        for (String builtIn : PackageFilter.BUILT_IN_SHARED) {
            if (PackageFilter.isUnder(prefix, builtIn)) {
                throw new IllegalArgumentException("modulets: " + what + ": it is shared already ("
                        + String.join(", ", PackageFilter.BUILT_IN_SHARED) + " always are)");
            }
        }
        for (String p : filter.packages()) {
            if (PackageFilter.isUnder(p, prefix)) {
                throw new IllegalArgumentException("modulets: " + what + ": swappable package " + p
                        + " would be both swappable and shared; only a subpackage of a swappable package can be"
                        + " shared (removeSwappablePackage " + p + " instead)");
            }
        }
        return change(what, prefix, filter.packages(), plus(shared, prefix), "shared");
    }

    PackageFilter removeShared(String prefix) {
        String what = "removeSharedPackage " + prefix;
        checkName(what, prefix);
        List<String> shared = filter.shared();
        if (!shared.contains(prefix)) {
            throw new IllegalArgumentException("modulets: " + what + ": not one of the shared prefixes given ("
                    + (shared.isEmpty() ? "none" : String.join(", ", shared)) + "; the built-in "
                    + String.join(", ", PackageFilter.BUILT_IN_SHARED) + " cannot be removed)");
        }
        return change(what, prefix, filter.packages(), minus(shared, prefix), "shared");
    }

    // ---- the rule, then the change -------------------------------------------------------------

    private PackageFilter change(String what, String prefix, List<String> packages, List<String> shared,
                                 String key) {
        if (deployer == null) {
            return changeLocked(what, prefix, packages, shared, key);
        }
        return deployer.exclusively(() -> changeLocked(what, prefix, packages, shared, key));
    }

    private synchronized PackageFilter changeLocked(String what, String prefix, List<String> packages,
                                                    List<String> shared, String key) {
        PackageFilter before = PackageFilter.of(filter.packages(), filter.shared());
        PackageFilter after = PackageFilter.of(packages, shared);
        String restart = "restart the JVM with " + key + "=" + String.join(":", key.equals("packages") ? packages : shared);
        String loadedClass = loaded.firstLoaded((name, byGeneration) -> before.isSwappable(name) != after.isSwappable(name));
        if (loadedClass != null) {
            throw new IllegalStateException("modulets: " + what + " refused: class " + loadedClass
                    + " is loaded already, and a loaded class keeps its loader; " + restart);
        }
        boolean affectsSwapping = affectsSwapping(prefix, before, after);
        if (affectsSwapping) {
            String naming = loaded.firstShellClassNaming(prefix.replace('.', '/'));
            if (naming != null) {
                throw new IllegalStateException("modulets: " + what + " refused: shell class " + naming
                        + " is loaded and names classes of " + prefix + "; it was linked for the lists as they are; "
                        + restart);
            }
        }
        String named = namedModulesReason(after);
        if (named != null) {
            throw new IllegalStateException("modulets: " + what + " refused: " + named);
        }
        filter.replace(packages, shared);
        // A class loaded between the check and the replacement, by the side it is leaving, would be
        // missed: look again (a class loaded since by the side it joins is what the change is for).
        String raced = loaded.firstLoaded((name, byGeneration) -> before.isSwappable(name) != after.isSwappable(name)
                && byGeneration == before.isSwappable(name));
        if (raced != null) {
            filter.replace(before.packages(), before.shared());
            throw new IllegalStateException("modulets: " + what + " refused: class " + raced
                    + " was loaded while the lists changed; " + restart);
        }
        String next = affectsSwapping ? deployIfNeeded(what, prefix, before, after) : "; no class changes side";
        Log.info("%s: swappable %s, shared %s%s", what, String.join(":", packages),
                shared.isEmpty() ? "(none)" : String.join(":", shared), next);
        return filter;
    }

    /**
     * Why the lists cannot be {@code after} for the named modules of the boot layer (as at a start): a
     * swappable package in one, or a class of one that names a swappable class; null if nothing.
     */
    private String namedModulesReason(PackageFilter after) {
        GenerationModules named = GenerationModules.installed();
        return NamedModules.changeReason(modules, modulePath, after, "packages=" + String.join(":", after.packages()),
                named == null ? Set.of() : named.swappableModules()).orElse(null);
    }

    /**
     * Whether classes directly under {@code prefix} change side (a shared prefix outside every
     * swappable one changes nothing). The probe {@code "com.acme.x."} lies under the prefix and
     * under none of its subpackages, so carve-outs below it do not decide.
     */
    private static boolean affectsSwapping(String prefix, PackageFilter before, PackageFilter after) {
        return before.isSwappable(prefix + ".") != after.isSwappable(prefix + ".");
    }

    /**
     * Without {@code modules}, classes that became swappable come from the class path: activate the
     * current generation's jars plus the class-path jars that hold them. Returns what the log line adds.
     */
    private String deployIfNeeded(String what, String prefix, PackageFilter before, PackageFilter after) {
        boolean becomesSwappable = after.isSwappable(prefix + ".") && !before.isSwappable(prefix + ".");
        if (!becomesSwappable) {
            return classPath == null ? "; classes of " + prefix + " in the modules jars are ignored from now on"
                    + " (with outside=refuse, take them out before the next deploy)" : "";
        }
        if (classPath == null || deployer == null) {
            return "; deploy modules jars that hold its classes to swap them";
        }
        Generation current = registry.current();
        try {
            List<Path> extra = newJars(current.snapshot(), ClassPathJars.swappable(classPath,
                    PackageFilter.of(List.of(prefix), after.shared())));
            if (extra.isEmpty()) {
                return "; no class-path jar holds its classes beyond " + current;
            }
            List<Path> jars = new ArrayList<>(baseJars(current.snapshot(), before));
            jars.addAll(extra);
            return "; " + deployer.activateClassPath(jars) + " holds its classes";
        } catch (DeployRefused e) {
            filter.replace(before.packages(), before.shared());
            throw new IllegalStateException("modulets: " + what + " refused: " + e.getMessage());
        } catch (IOException e) {
            filter.replace(before.packages(), before.shared());
            throw new IllegalStateException("modulets: " + what + " refused: cannot read the class path: " + e);
        }
    }

    /**
     * The current generation's jars: the class-path jars it was made from while they are unchanged
     * (so that the new generation's label names them), else its copies in the store.
     */
    private List<Path> baseJars(Snapshot snapshot, PackageFilter before) throws IOException {
        List<Path> original = ClassPathJars.swappable(classPath, before);
        Set<String> shas = new HashSet<>();
        for (Path jar : original) {
            shas.add(sha256(jar));
        }
        Set<String> current = new HashSet<>();
        for (Snapshot.Jar jar : snapshot.jars()) {
            current.add(jar.sha256());
        }
        return shas.equals(current) ? original : snapshot.paths();
    }

    /** The jars among {@code candidates} whose content is not already one of the snapshot's jars. */
    private static List<Path> newJars(Snapshot snapshot, List<Path> candidates) throws IOException {
        Set<String> have = new HashSet<>();
        for (Snapshot.Jar jar : snapshot.jars()) {
            have.add(jar.sha256());
        }
        List<Path> extra = new ArrayList<>();
        for (Path jar : candidates) {
            if (!have.contains(sha256(jar))) {
                extra.add(jar);
            }
        }
        return extra;
    }

    private static String sha256(Path file) throws IOException {
        try (InputStream in = Files.newInputStream(file)) {
            MessageDigest digest = MessageDigest.getInstance("SHA-256");
            byte[] buffer = new byte[64 * 1024];
            for (int n; (n = in.read(buffer)) > 0; ) {
                digest.update(buffer, 0, n);
            }
            return HexFormat.of().formatHex(digest.digest());
        } catch (NoSuchAlgorithmException e) {
            throw new IOException(e);
        }
    }

    private static void checkName(String what, String prefix) {
        if (prefix == null || !PackageFilter.isPackageName(prefix)) {
            throw new IllegalArgumentException("modulets: " + what + ": not a Java package name (give"
                    + " dot-separated Java identifiers such as com.acme.jobs)");
        }
    }

    private static List<String> plus(List<String> list, String element) {
        List<String> copy = new ArrayList<>(list);
        copy.add(element);
        return List.copyOf(copy);
    }

    private static List<String> minus(List<String> list, String element) {
        List<String> copy = new ArrayList<>(list);
        copy.remove(element);
        return List.copyOf(copy);
    }
}
