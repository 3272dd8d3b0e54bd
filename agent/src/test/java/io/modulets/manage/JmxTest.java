package io.modulets.manage;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.jar.JarOutputStream;
import java.util.zip.ZipEntry;

import javax.management.MBeanServer;
import javax.management.MBeanServerDelegate;
import javax.management.MBeanServerFactory;
import javax.management.MBeanServerNotification;
import javax.management.Notification;
import javax.management.openmbean.CompositeData;
import javax.management.ObjectName;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.modulets.bootstrap.Bindings;
import io.modulets.bootstrap.GenerationLoader;
import io.modulets.bootstrap.TaskOutcomes;
import io.modulets.bootstrap.TestSeams;
import io.modulets.config.PackageFilter;
import io.modulets.generations.Generation;
import io.modulets.generations.Registry;
import io.modulets.generations.Store;

/** Registration of the MBeans: one per generation, the oldest unloaded ones dropped beyond a bound. */
class JmxTest {
    @TempDir
    Path temp;
    private ClassLoader savedCurrent;
    private Registry registry;
    private MBeanServer server;
    private final List<Notification> sent = new ArrayList<>();

    @BeforeEach
    void setUp() {
        savedCurrent = Bindings.current();
        registry = new Registry(new Store(temp.resolve("store")), PackageFilter.of(List.of("sw"), List.of()),
                JmxTest.class.getClassLoader());
        server = MBeanServerFactory.newMBeanServer();
    }

    @AfterEach
    void restore() {
        TestSeams.setCurrent(savedCurrent);
    }

    @Test
    void everyGenerationGetsAnMBeanAndOnlyTheNewestUnloadedOnesStay() throws Exception {
        PackageLists lists = new PackageLists(PackageFilter.of(List.of("sw"), List.of()), null, null, registry, null);
        ObjectName managerName = new ObjectName(ManagerMXBean.OBJECT_NAME);
        Jmx jmx = new Jmx(registry, new Manager(managerName, registry, null, lists, new Counts(), null,
                temp.resolve("store")), () -> server);
        List<Generation> made = new ArrayList<>();
        made.add(registry.activate(List.of(jar("v0"))));
        jmx.register(); // generation 1 was made before
        server.addNotificationListener(managerName, (n, handback) -> sent.add(n), null, null);
        int total = Jmx.UNLOADED_KEPT + 4;
        for (int i = 1; i < total; i++) {
            Generation g = registry.activate(List.of(jar("v" + i)));
            made.add(g);
            jmx.created(g);
        }
        assertEquals(total, generationBeans());
        // told that all but the current one unloaded (the collector's part is LifecycleIT's)
        for (Generation g : made.subList(0, total - 1)) {
            jmx.unloaded(g, g + " unloaded");
        }
        assertEquals(Jmx.UNLOADED_KEPT + 1, generationBeans(), "the newest unloaded ones and the current one");
        assertFalse(server.isRegistered(Jmx.name(1)));
        assertFalse(server.isRegistered(Jmx.name(3)));
        assertTrue(server.isRegistered(Jmx.name(4)));
        assertTrue(server.isRegistered(Jmx.name(total)));
        assertEquals(total, ((Object[]) server.getAttribute(new ObjectName(ManagerMXBean.OBJECT_NAME), "Generations")).length,
                "the manager still lists every generation");
        assertEquals(total - 1, sent.stream().filter(n -> n.getType().equals(ManagerMXBean.UNLOADING)).count());
        assertEquals("current", server.getAttribute(Jmx.name(total), "State"));
    }

    @Test
    void theManagerIsRegisteredAfterTheGenerationsMadeBeforeIt() throws Exception {
        // the MBeans are registered a while after start-up: a client that waits for the manager finds the rest
        PackageLists lists = new PackageLists(PackageFilter.of(List.of("sw"), List.of()), null, null, registry, null);
        Jmx jmx = new Jmx(registry, new Manager(new ObjectName(ManagerMXBean.OBJECT_NAME), registry, null, lists,
                new Counts(), null, temp.resolve("store")), () -> server);
        registry.activate(List.of(jar("v1")));
        registry.activate(List.of(jar("v2")));
        List<String> registered = new ArrayList<>();
        server.addNotificationListener(MBeanServerDelegate.DELEGATE_NAME, (n, handback) -> {
            if (n instanceof MBeanServerNotification m
                    && n.getType().equals(MBeanServerNotification.REGISTRATION_NOTIFICATION)) {
                registered.add(m.getMBeanName().toString());
            }
        }, null, null);
        jmx.register();
        assertEquals(List.of(Jmx.name(1).toString(), Jmx.name(2).toString(), ManagerMXBean.OBJECT_NAME), registered);
        assertEquals("current", server.getAttribute(Jmx.name(2), "State"));
    }

    @Test
    void requestCountsAndLatencyAreNumbersInTheGenerationsRowsAndTheGenerationsMBean() throws Exception {
        // plain numbers under stable names, so that an exporter (Prometheus's JMX exporter) reads them as they are
        PackageLists lists = new PackageLists(PackageFilter.of(List.of("sw"), List.of()), null, null, registry, null);
        Jmx jmx = new Jmx(registry, new Manager(new ObjectName(ManagerMXBean.OBJECT_NAME), registry, null, lists,
                new Counts(), null, temp.resolve("store")), () -> server);
        Generation g = registry.activate(List.of(jar("v1")));
        TaskOutcomes outcomes = ((GenerationLoader) g.loader()).outcomes();
        for (int i = 0; i < 99; i++) {
            outcomes.answered(200, 1_000_000);
        }
        outcomes.answered(503, 30_000_000);
        outcomes.answered(404); // not timed
        outcomes.jobEnded("org.quartz.JobExecutionException");
        jmx.register();
        CompositeData row = (CompositeData) ((Object[]) server.getAttribute(new ObjectName(ManagerMXBean.OBJECT_NAME),
                "Generations"))[0];
        assertEquals(101L, row.get("requests"));
        assertEquals(1L, row.get("serverErrors"));
        assertEquals(1L, row.get("clientErrors"));
        assertEquals(1_015_807L, row.get("p50RequestNanos"));
        assertEquals(1_015_807L, row.get("p99RequestNanos"));
        assertEquals(1L, row.get("jobRuns"));
        assertEquals(1L, row.get("jobRunsFailed"));
        assertEquals(100L, server.getAttribute(Jmx.name(1), "RequestsTimed"));
        assertEquals(1_015_807L, server.getAttribute(Jmx.name(1), "P50RequestNanos"));
        assertEquals(1_015_807L, server.getAttribute(Jmx.name(1), "P99RequestNanos"));
        assertEquals(0L, server.getAttribute(Jmx.name(1), "TasksTimed"));
    }

    private int generationBeans() throws Exception {
        return server.queryNames(new ObjectName("io.modulets:type=Generation,*"), null).size();
    }

    private Path jar(String marker) throws IOException {
        Path jar = Files.createDirectories(temp.resolve(marker)).resolve("sw.jar");
        try (OutputStream out = Files.newOutputStream(jar); JarOutputStream zip = new JarOutputStream(out)) {
            zip.putNextEntry(new ZipEntry("sw/marker.txt"));
            zip.write(marker.getBytes(StandardCharsets.UTF_8));
            zip.closeEntry();
        }
        return jar;
    }
}
