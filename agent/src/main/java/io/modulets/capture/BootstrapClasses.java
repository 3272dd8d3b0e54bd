package io.modulets.capture;

import java.io.IOException;
import java.io.InputStream;
import java.lang.instrument.Instrumentation;
import java.lang.invoke.MethodHandles;
import java.lang.reflect.Method;
import java.nio.file.Path;
import java.security.ProtectionDomain;
import java.util.ArrayList;
import java.util.Enumeration;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;

import org.objectweb.asm.ClassReader;

import io.modulets.config.Log;

/**
 * Defines the tiny part that JDK classes must see, {@code io.modulets.bootstrap}, in the bootstrap
 * class loader, and nothing else (DESIGN §3).
 *
 * <p>Why not {@code appendToBootstrapClassLoaderSearch}: appending to the boot class path at run
 * time turns class-data sharing off for every class outside the boot loader and makes the JVM
 * print a warning on every start. Defining the classes directly ({@code Unsafe.defineClass} with
 * the boot loader) changes no path. It must run before any class of that package is touched, or
 * the built-in app loader would load a second, useless copy from the agent jar; this class
 * therefore names none of them.
 */
public final class BootstrapClasses {
    private static final String PACKAGE = "io/modulets/bootstrap/";

    private BootstrapClasses() {
    }

    /**
     * Exports {@code jdk.internal.misc} to the agent's own module, for {@code Unsafe.defineClass} below and the start's
     * questions to the JDK ({@code CDS}, {@code VM}); premain does it once, before any of them.
     */
    public static void exportInternalMisc(Instrumentation inst) {
        inst.redefineModule(Object.class.getModule(), Set.of(),
                Map.of("jdk.internal.misc", Set.of(BootstrapClasses.class.getModule())), Map.of(), Set.of(), Map.of());
    }

    /**
     * Defines the bootstrap holder's classes from {@code agentJar} in the boot loader, unless the whole jar is on the
     * boot class path already ({@code bootLoaded}: the boot loader finds them there as they are first used), and the
     * class made at run time, {@link ForNameOfCaller}, in either case.
     */
    public static void define(Instrumentation inst, Path agentJar, boolean bootLoaded)
            throws IOException, ReflectiveOperationException {
        if (bootLoaded) {
            defineForNameOfCaller(inst);
            return;
        }
        Class<?> unsafeClass = Class.forName("jdk.internal.misc.Unsafe");
        Object unsafe = unsafeClass.getMethod("getUnsafe").invoke(null);
        Method defineClass = unsafeClass.getMethod("defineClass", String.class, byte[].class, int.class, int.class,
                ClassLoader.class, ProtectionDomain.class);
        Map<String, byte[]> classes = new LinkedHashMap<>(); // by internal name
        try (JarFile agent = new JarFile(agentJar.toFile())) {
            Enumeration<JarEntry> entries = agent.entries();
            while (entries.hasMoreElements()) {
                JarEntry entry = entries.nextElement();
                String name = entry.getName();
                if (name.startsWith(PACKAGE) && name.endsWith(".class")) {
                    try (InputStream in = agent.getInputStream(entry)) {
                        classes.put(name.substring(0, name.length() - ".class".length()), in.readAllBytes());
                    }
                }
            }
        }
        Set<String> defined = new HashSet<>();
        for (String name : classes.keySet()) {
            define(name, classes, defined, unsafe, defineClass);
        }
        defineForNameOfCaller(inst);
    }

    /**
     * {@link ForNameOfCaller}, which reads its caller through {@code jdk.internal.reflect}: exported to the boot
     * loader's unnamed module, where the bootstrap classes are, and defined there through a lookup on one of them
     * (unnamed modules open every package to every module), with no {@code Unsafe} and no reflective call. Without it
     * (a JDK where this fails) the boundary keeps rewriting {@code Class.forName(String)} calls into call sites, which
     * need no such class.
     */
    private static void defineForNameOfCaller(Instrumentation inst) {
        try {
            Class<?> holder = Class.forName("io.modulets.bootstrap.LoadByName", false, null);
            inst.redefineModule(Object.class.getModule(), Set.of(), Map.of("jdk.internal.reflect",
                    Set.of(holder.getModule())), Map.of(), Set.of(), Map.of());
            MethodHandles.privateLookupIn(holder, MethodHandles.lookup()).defineClass(ForNameOfCaller.classFile());
        } catch (ReflectiveOperationException | RuntimeException | LinkageError e) {
            Log.debug("no ForNameOfCaller, Class.forName(String) calls stay call sites: %s", e);
        }
    }

    /**
     * Defines {@code name} after its superclass and interfaces of the package: the boot loader resolves them as it
     * defines it and finds nothing of the package on its path, so a supertype must be defined first, whatever the
     * order of the jar's entries.
     */
    private static void define(String name, Map<String, byte[]> classes, Set<String> defined, Object unsafe,
                               Method defineClass) throws ReflectiveOperationException {
        if (!defined.add(name)) {
            return;
        }
        byte[] bytes = classes.get(name);
        ClassReader reader = new ClassReader(bytes);
        List<String> supertypes = new ArrayList<>(List.of(reader.getInterfaces()));
        supertypes.add(reader.getSuperName());
        for (String supertype : supertypes) {
            if (classes.containsKey(supertype)) {
                define(supertype, classes, defined, unsafe, defineClass);
            }
        }
        defineClass.invoke(unsafe, name.replace('/', '.'), bytes, 0, bytes.length, null, null);
    }
}
