package io.modulets.loader;

import java.io.IOException;
import java.io.InputStream;
import java.lang.instrument.Instrumentation;
import java.lang.module.Configuration;
import java.lang.module.FindException;
import java.lang.module.ModuleDescriptor;
import java.lang.module.ModuleFinder;
import java.lang.module.ResolutionException;
import java.lang.module.ResolvedModule;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.jar.JarFile;
import java.util.zip.ZipEntry;

import io.modulets.bootstrap.Bindings;
import io.modulets.config.Log;

/**
 * A modular application's generations (DESIGN §3, named modules): the explicit modules among a
 * generation's jars (those with a {@code module-info.class}) are defined to the generation's loader in
 * a module layer of their own, resolved against the boot layer, so that each keeps its name, its
 * {@code requires}, {@code exports}, {@code opens} and {@code provides}; the generation's other classes
 * stay in the loader's unnamed module, as on the class path. The application's named modules of the
 * boot layer (the shell modules) are made to read the agent (the boundary's bootstrap) and opened to it
 * (the pin report reads their static fields) once, and to read each
 * generation's modules when it is made ({@code Instrumentation.redefineModule}): a rewritten shell
 * class links to a generation's class through its own lookup, which needs the read edge.
 *
 * <p>Installed only when the application runs from the module path: an application on the class path
 * never makes one, and its generations define no layer.
 */
public final class GenerationModules {
    private static volatile GenerationModules installed;

    private final Instrumentation inst;
    private final Set<Module> shellModules;
    private final Set<String> swappableModules;
    /** Whether generations define their explicit modules (else all their classes stay unnamed). */
    private final boolean layers;

    /**
     * @param inst   null only without shell modules (then no read edge is ever added)
     * @param layers whether generations define their explicit modules in a layer: with a main module or
     *               a swappable module in the boot layer; an application started from the class path keeps
     *               its swappable code unnamed, where it reads the class path, as without the module path
     */
    GenerationModules(Instrumentation inst, Set<Module> shellModules, Set<String> swappableModules, boolean layers) {
        this.inst = inst;
        this.shellModules = Set.copyOf(shellModules);
        this.swappableModules = Set.copyOf(swappableModules);
        this.layers = layers;
    }

    /**
     * Makes the shell modules read the agent's modules (the unnamed modules of the loader that loaded the
     * agent and of the boot loader, where the bootstrap holder is) and each generation made from now on.
     */
    public static GenerationModules install(Instrumentation inst, Set<Module> shellModules,
            Set<String> swappableModules) {
        GenerationModules modules = new GenerationModules(inst, shellModules, swappableModules,
                !swappableModules.isEmpty() || System.getProperty("jdk.module.main") != null);
        Module agentModule = GenerationModules.class.getModule();
        // one module when the agent's classes are in the boot loader with the holder, two when not
        Set<Module> agent = new HashSet<>(List.of(agentModule, Bindings.class.getModule()));
        for (Module shell : modules.shellModules) {
            // opened to the agent too: the pin report reads the static fields of shell classes (DESIGN §6)
            Map<String, Set<Module>> opens = new HashMap<>();
            for (String pkg : shell.getPackages()) {
                opens.put(pkg, Set.of(agentModule));
            }
            inst.redefineModule(shell, agent, Map.of(), opens, Set.of(), Map.of());
        }
        installed = modules;
        return modules;
    }

    /** The installed one, or null: the application runs from the class path. */
    public static GenerationModules installed() {
        return installed;
    }

    /** The boot layer's swappable modules (by name), whose classes never load there. */
    public Set<String> swappableModules() {
        return swappableModules;
    }

    /** Whether the boundary rewrites this named module's classes like the class path's shell classes. */
    public boolean isShell(Module module) {
        return shellModules.contains(module);
    }

    /**
     * Defines the explicit modules among {@code jars} to {@code loader}, before it defines any class, and
     * with {@code readEdges} makes every shell module read them and the loader's unnamed module. A layer
     * that does not resolve (a {@code requires} that neither the generation nor the boot layer has, a
     * package in two modules) is an {@link IOException} of one line: the deploy is refused.
     */
    public void define(GenerationClassLoader loader, URL[] jars, boolean readEdges) throws IOException {
        List<Path> explicit = new ArrayList<>();
        Set<String> names = new HashSet<>();
        for (URL url : layers ? jars : new URL[0]) {
            Path jar = path(url);
            ModuleDescriptor descriptor = descriptorOf(jar);
            if (descriptor != null) {
                explicit.add(jar);
                names.add(descriptor.name());
            }
        }
        Set<Module> reads = new HashSet<>();
        reads.add(loader.getUnnamedModule());
        if (!explicit.isEmpty()) {
            ModuleLayer layer;
            try {
                Configuration configuration = Configuration.resolve(ModuleFinder.of(explicit.toArray(new Path[0])),
                        List.of(ModuleLayer.boot().configuration()), ModuleFinder.of(), names);
                layer = ModuleLayer.defineModules(configuration, List.of(ModuleLayer.boot()), name -> loader).layer();
            } catch (FindException | ResolutionException | LayerInstantiationException | SecurityException e) {
                throw new IOException("the modules " + String.join(", ", names.stream().sorted().toList())
                        + " do not resolve against the boot layer: " + Log.oneLine(e), e);
            }
            loader.definesModules(names);
            reads.addAll(layer.modules());
            for (ResolvedModule resolved : layer.configuration().modules()) {
                Log.debug("%s defines the module %s", loader.getName(), resolved.name());
            }
        }
        if (readEdges) {
            for (Module shell : shellModules) {
                inst.redefineModule(shell, reads, Map.of(), Map.of(), Set.of(), Map.of());
            }
        }
    }

    /** The jar's module descriptor, or null if it has no {@code module-info.class} at its root. */
    static ModuleDescriptor descriptorOf(Path jar) throws IOException {
        try (JarFile file = new JarFile(jar.toFile())) {
            ZipEntry entry = file.getEntry("module-info.class");
            if (entry == null) {
                return null;
            }
            try (InputStream in = file.getInputStream(entry)) {
                return ModuleDescriptor.read(in);
            } catch (RuntimeException e) { // InvalidModuleDescriptorException
                throw new IOException(jar.getFileName() + ": module-info.class cannot be read: " + Log.oneLine(e), e);
            }
        }
    }

    private static Path path(URL url) throws IOException {
        try {
            return Path.of(url.toURI());
        } catch (URISyntaxException | IllegalArgumentException e) {
            throw new IOException("not a jar file: " + url, e);
        }
    }
}
