package io.modulets.loader;

import java.io.IOException;
import java.lang.instrument.Instrumentation;
import java.lang.reflect.Field;
import java.lang.reflect.Method;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Takes the providers of the boot layer's swappable modules out of the boot layer's services catalog
 * (DESIGN §3, named modules). That copy of a swappable module never loads a class, so
 * {@code ServiceLoader} must not offer its providers: it would define them from the module path, and a
 * task would get a provider of no generation after its own generation's. The catalog is the JDK's
 * ({@code ModuleLayer.getServicesCatalog}, a map of {@code CopyOnWriteArrayList}s in JDK 17 to 25), read
 * once before {@code main}; if it cannot be, the JVM stops with one line rather than run with them.
 */
public final class BootLayerServices {
    private BootLayerServices() {
    }

    /** Withdraws the providers of {@code modules} (names of boot-layer modules) that provide any. */
    public static void withdraw(Instrumentation inst, Set<String> modules) throws IOException {
        Set<Module> providing = new HashSet<>();
        for (String name : modules) {
            ModuleLayer.boot().findModule(name).filter(m -> !m.getDescriptor().provides().isEmpty())
                    .ifPresent(providing::add);
        }
        if (providing.isEmpty()) {
            return;
        }
        Module agent = BootLayerServices.class.getModule();
        inst.redefineModule(Object.class.getModule(), Set.of(), Map.of(),
                Map.of("java.lang", Set.of(agent), "jdk.internal.module", Set.of(agent)), Set.of(), Map.of());
        try {
            Method catalogOf = ModuleLayer.class.getDeclaredMethod("getServicesCatalog");
            catalogOf.setAccessible(true);
            Object catalog = catalogOf.invoke(ModuleLayer.boot());
            Field map = catalog.getClass().getDeclaredField("map");
            map.setAccessible(true);
            Class<?> provider = Class.forName("jdk.internal.module.ServicesCatalog$ServiceProvider");
            Method module = provider.getDeclaredMethod("module");
            module.setAccessible(true);
            for (Object list : ((Map<?, ?>) map.get(catalog)).values()) {
                ((List<?>) list).removeIf(p -> {
                    try {
                        return providing.contains((Module) module.invoke(p));
                    } catch (ReflectiveOperationException e) {
                        throw new IllegalStateException(e);
                    }
                });
            }
        } catch (ReflectiveOperationException | RuntimeException e) {
            throw new IOException("modulets: cannot withdraw the services that the swappable module "
                    + providing.iterator().next().getName() + " on the module path provides (JDK " + Runtime.version()
                    + ": " + e + "); take its jar off the module path and declare it requires static", e);
        }
    }
}
