package io.modulets.capture;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.objectweb.asm.ClassReader;
import org.objectweb.asm.ClassWriter;
import org.objectweb.asm.commons.ClassRemapper;
import org.objectweb.asm.commons.Remapper;

/**
 * Capture's JDK targets are rewritten as they load, so none may first load while one of the agent's
 * transformers runs on the same thread: {@code java.lang.instrument} would not give it to the transformer, and
 * it would stay as it is. The net that catches one that did ({@link CaptureTransformer#instrumentMissed}), and the
 * argument that none does: the code the transformers are made of names no target, nor any class that would load
 * one as its superclass.
 */
class CaptureTargetsTest {
    /** Capture classes that the transformers never run: they run in the hooks, on the application's threads. */
    private static final Set<String> HOOKS_ONLY = Set.of("io/modulets/capture/TaskAdapters",
            "io/modulets/capture/TaskAdapters$1", "io/modulets/capture/TaskAdapters$Reader",
            "io/modulets/capture/TaskAdapters$FutureTaskCallable");

    /** Loaded by the JVM before any agent runs: retransformed in premain, whoever names them later. */
    private static final Set<String> LOADED_FIRST = Set.of("java/lang/Thread", "jdk/internal/loader/BuiltinClassLoader");

    private static Set<String> targets() {
        Set<String> targets = new TreeSet<>();
        for (Transformlet rule : CaptureTransformer.jdkRules()) {
            targets.add(rule.className());
        }
        return targets;
    }

    /** The targets the application loads: each must first load outside the agent's transformers. */
    private static Set<String> loadedLater() {
        Set<String> targets = targets();
        targets.removeAll(LOADED_FIRST);
        return targets;
    }

    /**
     * The transformer knows the targets by name and makes a family's rules when one of them is given: a target
     * missing from JDK_TARGETS would be left as it is, silently, and one whose family has no rule for it likewise.
     */
    @Test
    void theTargetsByNameAreWhatTheFamiliesRewrite() {
        for (String target : CaptureTransformer.JDK_TARGETS) {
            Set<String> family = new TreeSet<>();
            for (Transformlet rule : CaptureTransformer.family(target)) {
                family.add(rule.className());
            }
            assertTrue(family.contains(target), target + "'s family rewrites " + family);
            assertTrue(CaptureTransformer.JDK_TARGETS.containsAll(family), family + " are all targets");
        }
        assertEquals(CaptureTransformer.JDK_TARGETS, targets());
        assertEquals(List.of(), CaptureTransformer.family("java/lang/String"));
    }

    @Test
    void theNetFindsTheTargetsLoadedButNeverGivenToTheTransformer() {
        Class<?>[] loaded = {String.class, Thread.class, ThreadPoolExecutor.class, ForkJoinPool.class,
                CompletableFuture.class, CaptureTargetsTest.class};
        Set<String> given = Set.of("java/lang/Thread", "java/util/concurrent/ForkJoinPool");
        assertEquals(List.of(ThreadPoolExecutor.class, CompletableFuture.class),
                CaptureTransformer.missed(loaded, targets(), given));
        assertEquals(List.of(), CaptureTransformer.missed(loaded, targets(), targets()));
    }

    @Test
    void aJdkClassWithoutAMemberTheHooksNeedIsNamed() {
        String task = "java/util/concurrent/ForkJoinTask";
        assertEquals(Set.of("exec()Z"), JdkMembers.missing(task, Set.of("fork()Ljava/util/concurrent/ForkJoinTask;")));
        assertEquals(Set.of(), JdkMembers.missing(task, Set.of("exec()Z", "doExec()I")));
        assertEquals(Set.of(), JdkMembers.missing("java/util/concurrent/ThreadPoolExecutor", Set.of()));
    }

    @Test
    void theTransformersCodeNamesNoTargetNorASubclassOfOne() throws Exception {
        Map<String, Set<String>> found = new TreeMap<>();
        for (byte[] bytes : transformerClasses()) {
            ClassReader reader = new ClassReader(bytes);
            if (HOOKS_ONLY.contains(reader.getClassName())) {
                continue;
            }
            Set<String> named = new TreeSet<>();
            // every type the class refers to: its constants, descriptors, signatures, frames (what the verifier
            // or a first run could load); a name in a string constant is only text
            reader.accept(new ClassRemapper(new ClassWriter(0), new Remapper() {
                @Override
                public String map(String internalName) {
                    named.add(internalName);
                    return internalName;
                }
            }), 0);
            for (String type : named) {
                if (loadsATarget(type)) {
                    found.computeIfAbsent(reader.getClassName(), c -> new TreeSet<>()).add(type);
                }
            }
        }
        assertEquals(Map.of(), found, "classes the transformers run that name a capture target");
    }

    @Test
    void theCheckSeesATargetAndItsSubclasses() {
        assertTrue(loadsATarget("java/util/concurrent/ForkJoinPool"));
        assertTrue(loadsATarget("java/util/concurrent/RecursiveTask"));
        assertTrue(loadsATarget("java/util/concurrent/ScheduledThreadPoolExecutor"));
        assertTrue(!loadsATarget("java/util/concurrent/ConcurrentHashMap"));
    }

    /** Whether loading {@code type} loads a target: it is one, nested in one, or extends one. */
    private static boolean loadsATarget(String type) {
        Set<String> targets = loadedLater();
        for (String target : targets) {
            if (type.equals(target) || type.startsWith(target + "$")) {
                return true;
            }
        }
        if (!type.startsWith("java/") && !type.startsWith("jdk/") && !type.startsWith("sun/")) {
            return false; // the agent's own classes are scanned themselves
        }
        try {
            for (Class<?> c = Class.forName(type.replace('/', '.'), false, null); c != null; c = c.getSuperclass()) {
                if (targets.contains(c.getName().replace('.', '/'))) {
                    return true;
                }
            }
        } catch (ClassNotFoundException | LinkageError notInThisJdk) {
            return false;
        }
        return false;
    }

    /** The agent's capture, boundary and config packages, and ASM, as the transformers run them. */
    private static List<byte[]> transformerClasses() throws IOException, URISyntaxException {
        List<byte[]> classes = new ArrayList<>();
        Path agent = Path.of(CaptureTransformer.class.getProtectionDomain().getCodeSource().getLocation().toURI());
        for (String pkg : List.of("io/modulets/capture", "io/modulets/boundary", "io/modulets/config")) {
            try (Stream<Path> files = Files.walk(agent.resolve(pkg))) {
                for (Path file : (Iterable<Path>) files.filter(f -> f.toString().endsWith(".class"))::iterator) {
                    classes.add(Files.readAllBytes(file));
                }
            }
        }
        for (Class<?> asm : List.of(ClassReader.class, ClassRemapper.class, org.objectweb.asm.tree.MethodNode.class)) {
            Path jar = Path.of(asm.getProtectionDomain().getCodeSource().getLocation().toURI());
            try (JarFile file = new JarFile(jar.toFile())) {
                for (JarEntry entry : (Iterable<JarEntry>) file.stream()::iterator) {
                    if (entry.getName().endsWith(".class") && !entry.getName().endsWith("module-info.class")) {
                        try (InputStream in = file.getInputStream(entry)) {
                            classes.add(in.readAllBytes());
                        }
                    }
                }
            }
        }
        assertTrue(classes.size() > 200, "read the classes: " + classes.size());
        return classes;
    }
}
