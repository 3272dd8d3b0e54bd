package io.modulets.boundary;

import java.lang.instrument.ClassFileTransformer;
import java.security.ProtectionDomain;
import java.util.ArrayList;
import java.util.List;

import org.objectweb.asm.ClassReader;
import org.objectweb.asm.ClassWriter;
import org.objectweb.asm.commons.ClassRemapper;

import io.modulets.bootstrap.GenerationLoader;
import io.modulets.bootstrap.LoadByName;
import io.modulets.bootstrap.TaskClassFiles;
import io.modulets.config.Log;
import io.modulets.config.PackageFilter;
import io.modulets.loader.GenerationModules;
import io.modulets.loader.WebappLoaders;

/**
 * Rewrites every shell class that names a swappable class (DESIGN §3, boundary): references
 * become generation-dispatching {@code invokedynamic} sites, and every swappable type in
 * descriptors, signatures and local variables is erased to its shared supertype, the same way in
 * all shell classes. Separates <em>whether</em> (loader and constant-pool scan) from <em>how</em>.
 */
public final class BoundaryTransformer implements ClassFileTransformer {
    private final Erasure erasure;
    private final PackageFilter filter;
    /** The scan for the swappable list in force; rebuilt when the list is replaced at run time. */
    private volatile Scan scan;
    private final ClassLoader agentLoader;

    public BoundaryTransformer(PackageFilter filter, Erasure erasure, ClassLoader agentLoader) {
        this.erasure = erasure;
        this.filter = filter;
        this.scan = new Scan(filter.packages());
        this.agentLoader = agentLoader;
    }

    /** A constant-pool scan and the list (by identity) it was built for. */
    private record Scan(List<String> packages, ConstantPoolScan scan) {
        Scan(List<String> packages) {
            this(packages, new ConstantPoolScan(internalNames(packages)));
        }

        private static List<String> internalNames(List<String> packages) {
            List<String> names = new ArrayList<>(packages.size());
            for (String p : packages) {
                names.add(p.replace('.', '/'));
            }
            return names;
        }
    }

    private ConstantPoolScan scan() {
        Scan s = scan;
        List<String> packages = filter.packages();
        if (s.packages() != packages) {
            s = new Scan(packages);
            scan = s;
        }
        return s.scan();
    }

    @Override
    public byte[] transform(Module module, ClassLoader loader, String className, Class<?> redefined,
                            ProtectionDomain domain, byte[] bytes) {
        if (className == null) {
            return null;
        }
        if (loader instanceof GenerationLoader) {
            byte[] rewritten = rewriteSwappable(className, bytes);
            return withTaskField(rewritten != null ? rewritten : bytes, rewritten);
        }
        if (!isShell(loader) && !isShellModule(module)) {
            return null;
        }
        WebappLoaders.defining(loader, domain);
        int found = scan().flags(bytes);
        if (found == 0) {
            return null;
        }
        byte[] rewritten = null;
        try {
            if ((found & ConstantPoolScan.SWAPPABLE) != 0) {
                rewritten = rewrite(loader, className, bytes);
            } else if ((found & ConstantPoolScan.LOAD_BY_NAME) != 0) {
                rewritten = rewriteLoadByName(module, loader, className, bytes);
            }
        } catch (RuntimeException | LinkageError e) {
            // The JVM swallows a transformer's exception and defines the original bytes.
            Log.error("boundary: cannot rewrite %s, it will reach swappable code directly and pin "
                    + "one generation: %s", className.replace('/', '.'), e);
            return null;
        }
        // the scan stops at a swappable name, before it could see a task interface: the splice looks itself
        return (found & (ConstantPoolScan.TASK | ConstantPoolScan.SWAPPABLE)) != 0
                ? withTaskField(rewritten != null ? rewritten : bytes, rewritten) : rewritten;
    }

    /**
     * {@code bytes} with the capture field if the class implements {@code Runnable} or {@code Callable} itself
     * ({@code TaskClassFiles}), else {@code otherwise}. Added at every load and retransformation alike: a class may
     * not lose a field.
     */
    private static byte[] withTaskField(byte[] bytes, byte[] otherwise) {
        try {
            byte[] spliced = TaskClassFiles.withField(bytes);
            return spliced != null ? spliced : otherwise;
        } catch (RuntimeException malformed) {
            return otherwise; // the JVM says what is wrong with the class when it defines it
        }
    }

    byte[] rewrite(ClassLoader loader, String className, byte[] bytes) {
        ClassReader reader = new ClassReader(bytes);
        FrameTypes writer = new FrameTypes(loader, erasure);
        BoundaryClassVisitor boundary = new BoundaryClassVisitor(new ClassRemapper(writer, erasure), erasure, loader, true);
        boundary.dropBridges(ErasedBridges.dropped(reader, erasure));
        reader.accept(reader.readShort(6) < 51 ? Subroutines.around(boundary) : boundary, ClassReader.SKIP_FRAMES);
        List<String> unsupported = boundary.unsupported();
        if (!unsupported.isEmpty()) {
            String message = Refusal.message(className, unsupported);
            Log.error("%s", message.substring("modulets: ".length())); // Log adds the prefix
            return Refusal.refuse(bytes, erasure, message);
        }
        return writer.toByteArray();
    }

    /**
     * A shell class that names no swappable class but may load classes by name: its routed calls become
     * plain static calls of the same stack effect where they can ({@link RoutedCalls#asStaticCalls}: a
     * constant-pool patch, no ASM), else sites of the same stack effect, so its stack-map frames are kept
     * as they are (old class files without frames, below version 51, take the full path). The patch
     * makes the class name the bootstrap's classes: a class of a named module that does not read theirs (the
     * boot loader's unnamed module) keeps the call sites. The JDK's dynamic proxies, in modules {@code
     * jdk.proxyN} that do read it, call {@code Class.forName} in their static initialisers: at a Spring Boot
     * start-up, about 50 of them, one per annotation type read.
     */
    byte[] rewriteLoadByName(Module module, ClassLoader loader, String className, byte[] bytes) {
        byte[] patched = module == null || module.canRead(LoadByName.class.getModule())
                ? RoutedCalls.asStaticCalls(bytes) : null;
        if (patched != null) {
            return patched;
        }
        ClassReader reader = new ClassReader(bytes);
        if (reader.readShort(6) < 51) {
            return rewrite(loader, className, bytes);
        }
        ClassWriter writer = new ClassWriter(reader, 0);
        BoundaryClassVisitor boundary = new BoundaryClassVisitor(writer, erasure, loader);
        boundary.onlyMethods(RoutedCalls.methods(bytes));
        reader.accept(boundary, 0);
        return writer.toByteArray();
    }

    /** A class of a generation: only its references to erased shell members change, if any. */
    byte[] rewriteSwappable(String className, byte[] bytes) {
        try {
            ClassReader reader = new ClassReader(bytes);
            ClassWriter writer = new ClassWriter(reader, 0);
            ShellMemberReferences references = new ShellMemberReferences(writer, erasure);
            reader.accept(references, 0);
            return references.changed() ? writer.toByteArray() : null;
        } catch (RuntimeException | LinkageError e) {
            Log.error("boundary: cannot rewrite the swappable class %s, its references to erased shell members "
                    + "will fail: %s", className.replace('/', '.'), e);
            return null;
        }
    }

    /**
     * A modular application's named module of the boot layer (DESIGN §3, named modules): the JDK's
     * application loader defines its classes, and they are shell classes like the class path's.
     */
    private static boolean isShellModule(Module module) {
        GenerationModules modules = GenerationModules.installed();
        return modules != null && module != null && module.isNamed() && modules.isShell(module);
    }

    /**
     * Shell classes: defined by any loader but the agent's, the generations' and the JDK's own: the
     * boot, platform and built-in app loaders ({@code jdk.internal.loader}, which here only define
     * the JDK and the agent) and the loaders of JDK 17's generated reflection accessors, whose
     * classes must keep naming the class they reflect on, and any loader whose parents do not lead to
     * the system loader. An application's own {@code URLClassLoader} (plugins, scripts) is a shell loader
     * like the system loader.
     */
    private boolean isShell(ClassLoader loader) {
        if (loader == null || loader == agentLoader || loader instanceof GenerationLoader
                || loader == ClassLoader.getPlatformClassLoader()) {
            return false;
        }
        String kind = loader.getClass().getName();
        return !kind.startsWith("jdk.internal.loader.") && !kind.equals("jdk.internal.reflect.DelegatingClassLoader")
                && reachesSystemLoader(loader);
    }

    /**
     * Whether {@code loader}'s parents lead to the system class loader, which serves the agent's classes (the
     * boundary's bootstrap methods) and the swappable ones. A loader whose parents do not (another agent's own
     * loader, whose parent is the boot or platform loader: the OpenTelemetry Java agent's) can link to neither,
     * so its classes are not shell classes: rewritten, they would fail with a NoClassDefFoundError of
     * io.modulets.boundary.Boundary.
     */
    private static boolean reachesSystemLoader(ClassLoader loader) {
        ClassLoader system = ClassLoader.getSystemClassLoader();
        for (ClassLoader l = loader; l != null; l = l.getParent()) {
            if (l == system) {
                return true;
            }
        }
        return false;
    }
}
