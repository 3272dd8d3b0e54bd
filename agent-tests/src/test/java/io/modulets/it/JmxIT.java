package io.modulets.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import javax.management.MBeanAttributeInfo;
import javax.management.MBeanInfo;
import javax.management.MBeanNotificationInfo;
import javax.management.MBeanServerConnection;
import javax.management.MBeanServerDelegate;
import javax.management.Notification;
import javax.management.ObjectName;
import javax.management.openmbean.CompositeData;
import javax.management.remote.JMXConnector;
import javax.management.remote.JMXConnectorFactory;
import javax.management.remote.JMXServiceURL;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.TestInfo;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import com.sun.tools.attach.VirtualMachine;

import io.modulets.testkit.AppSources;
import io.modulets.testkit.ChildJvm;
import io.modulets.testkit.Deploys;
import io.modulets.testkit.InteractiveJvm;
import io.modulets.testkit.Jdks.Jdk;
import io.modulets.testkit.WorkDirs;

/**
 * The agent's MBeans (DESIGN §4) seen by a plain JMX client, as JConsole or jmxterm would see them:
 * the test attaches to the child by pid, starts its local management agent, and uses only
 * {@code javax.management} and open types — no proxy of the agent's interfaces, no modulets class.
 */
@Timeout(value = 5, unit = TimeUnit.MINUTES)
class JmxIT {
    private static final String APP = "apps/jmx/";
    private static final Duration WAIT = Duration.ofSeconds(30);
    private static final String MANAGER = "io.modulets:type=Manager";
    private static Path shellJar;
    private static Path extraJar;
    private static Path v1;
    private static Path v2;

    @BeforeAll
    static void build() throws IOException {
        JxApp app = JxApp.build(WorkDirs.forClass(JmxIT.class));
        shellJar = app.shellJar();
        extraJar = app.extraJar();
        v1 = app.v1();
        v2 = app.v2();
    }

    @ParameterizedTest(name = "[{index}] {0}")
    @MethodSource("io.modulets.testkit.Jdks#all")
    void aPlainJmxClientReadsActivatesRollsBackAndSeesEveryNotification(Jdk jdk, TestInfo info) throws Exception {
        Path work = WorkDirs.forTest(info);
        Path modules = Files.createDirectories(work.resolve("modules"));
        Files.copy(v1, modules.resolve("mod.jar"));
        ChildJvm child = ChildJvm.on(jdk)
                .agent("packages=jx.mod,modules=" + modules + ",watch=false,store=" + work.resolve("store"))
                .classpath(shellJar)
                .mainClass("jx.Main");
        try (InteractiveJvm jvm = InteractiveJvm.start(child, work, "child");
             JMXConnector connector = connect(jvm)) {
            MBeanServerConnection jmx = connector.getMBeanServerConnection();
            ObjectName manager = new ObjectName(MANAGER);
            jvm.send("version");
            jvm.expect("version 1", WAIT);

            // every attribute of every MBean reads, with open types only
            TreeMap<String, Object> all = readEverything(jmx, jvm);
            assertEquals(1, all.get(MANAGER + " CurrentGeneration"), jvm.describe());
            assertEquals(List.of("jx.mod"), Arrays.asList((String[]) all.get(MANAGER + " SwappablePackages")));
            assertEquals(modules.toString(), all.get(MANAGER + " ModulesDirectory"));
            assertEquals(1L, all.get(MANAGER + " ActivationCount"));
            assertEquals(0L, all.get(MANAGER + " RejectionCount"));
            assertEquals("0.1.0-SNAPSHOT", all.get(MANAGER + " AgentVersion"));
            CompositeData[] rows = (CompositeData[]) all.get(MANAGER + " Generations");
            assertEquals(1, rows.length);
            assertEquals("current", rows[0].get("state"));
            assertEquals("1.0", rows[0].get("label"));
            String gen1 = "io.modulets:type=Generation,id=1";
            assertEquals("current", all.get(gen1 + " State"));
            assertEquals(1L, all.get(gen1 + " LoadedClasses"), "jx.mod.Version was defined by generation 1");
            assertEquals(64, ((String) all.get(gen1 + " Hash")).length());
            assertNotificationTypes(jmx.getMBeanInfo(manager));

            BlockingQueue<Notification> notifications = new LinkedBlockingQueue<>();
            jmx.addNotificationListener(manager, (n, handback) -> notifications.add(n), null, null);

            // activate through the operation: new tasks run the new code
            Object current = jmx.invoke(manager, "activate", new Object[] {new String[] {v2.toString()}},
                    new String[] {String[].class.getName()});
            assertEquals(2, current);
            Notification activation = next(notifications, "io.modulets.activation", jvm);
            assertEquals(2, activation.getUserData());
            assertTrue(activation.getMessage().matches("modulets: generation 2 \\(2\\.0, \\w+\\) is current \\(was 1\\)"),
                    activation.getMessage());
            jvm.send("version");
            jvm.expect("version 2", WAIT);
            assertEquals(1, next(notifications, "io.modulets.retirement", jvm).getUserData());

            // the retired generation unloads at a collection; the MBean stays, state unloaded
            Notification unloading = collectUntil(jmx, notifications, "io.modulets.unloading", jvm);
            assertEquals(1, unloading.getUserData());
            assertEquals("unloaded", jmx.getAttribute(new ObjectName(gen1), "State"));
            assertEquals(0L, jmx.getAttribute(new ObjectName(gen1), "LoadedClasses"));

            // roll back: generation 1's content again, recreated from the store as generation 3
            assertEquals(3, jmx.invoke(manager, "rollback", null, null));
            assertEquals(3, next(notifications, "io.modulets.activation", jvm).getUserData());
            jvm.send("version");
            jvm.expect("version 1", WAIT);

            // a refusal is one line, and changes nothing
            Path broken = Files.writeString(work.resolve("broken.jar"), "not a zip");
            String refusal = refusal(() -> jmx.invoke(manager, "activate",
                    new Object[] {new String[] {broken.toString()}}, new String[] {String[].class.getName()}));
            assertTrue(refusal.startsWith("modulets: deploy of [broken.jar] refused, generation 3 (1.0, "), refusal);
            assertFalse(refusal.contains("\n"), refusal);
            Notification rejection = next(notifications, "io.modulets.rejection", jvm);
            assertEquals(3, rejection.getUserData(), "the generation that stays current");
            assertEquals(refusal, rejection.getMessage());
            assertEquals(3, jmx.getAttribute(manager, "CurrentGeneration"));
            assertEquals(1L, jmx.getAttribute(manager, "RejectionCount"));
            assertEquals(refusal, jmx.getAttribute(manager, "LastRejection"), "the same line everywhere");
            assertEquals(3L, jmx.getAttribute(manager, "ActivationCount"));
            jvm.send("version");
            jvm.expect("version 1", WAIT);

            String relative = refusal(() -> jmx.invoke(manager, "activate", new Object[] {new String[] {"mod.jar"}},
                    new String[] {String[].class.getName()}));
            assertEquals("modulets: activate: 'mod.jar' is not an absolute path on the agent's machine", relative);

            CompositeData[] after = (CompositeData[]) jmx.getAttribute(manager, "Generations");
            assertEquals(3, after.length);
            assertEquals("unloaded", after[0].get("state"));
            assertTrue(Set.of("retired", "unloaded").contains((String) after[1].get("state")), after[1].toString());
            assertEquals("current", after[2].get("state"));

            // rescan: the modules directory (watch=false here) now holds version 2
            Deploys.renameInto(v2, modules, "mod.jar");
            Object rescanned = jmx.invoke(manager, "rescan", null, null);
            assertEquals(rescanned, jmx.getAttribute(manager, "CurrentGeneration"));
            assertEquals("2.0", jmx.getAttribute(new ObjectName("io.modulets:type=Generation,id=" + rescanned), "Label"));
            jvm.send("version");
            jvm.expect("version 2", WAIT);
        }
    }

    // ---- the client side -----------------------------------------------------------------------

    /** Attaches to the child by pid and connects to its local management agent. */
    static JMXConnector connect(InteractiveJvm jvm) throws Exception {
        jvm.expect("ready ", WAIT);
        VirtualMachine vm = VirtualMachine.attach(Long.toString(jvm.pid()));
        String url;
        try {
            url = vm.startLocalManagementAgent();
        } finally {
            vm.detach();
        }
        JMXConnector connector = JMXConnectorFactory.connect(new JMXServiceURL(url));
        awaitManager(connector.getMBeanServerConnection(), jvm);
        return connector;
    }

    /**
     * The MBeans wait for the platform MBean server: a JVM nobody manages never makes it (about 300 classes and
     * 60-150 ms of CPU), and an application that makes it finds the agent's MBeans there, with no client attached.
     */
    @ParameterizedTest(name = "[{index}] {0}")
    @MethodSource("io.modulets.testkit.Jdks#all")
    void theMBeansAreRegisteredWhenTheApplicationMakesThePlatformServerAndNotBefore(Jdk jdk, TestInfo info)
            throws Exception {
        Path work = WorkDirs.forTest(info);
        Path modules = Files.createDirectories(work.resolve("modules"));
        Files.copy(v1, modules.resolve("mod.jar"));
        Path classes = work.resolve("class-load.log");
        ChildJvm child = ChildJvm.on(jdk)
                .agent("packages=jx.mod,modules=" + modules + ",watch=false,log=debug,store=" + work.resolve("store"))
                .jvmOptions("-Xlog:class+load:file=" + classes)
                .classpath(shellJar)
                .mainClass("jx.Main");
        try (InteractiveJvm jvm = InteractiveJvm.start(child, work, "child")) {
            jvm.awaitLog("jmx: the MBeans are registered when the platform MBean server is made", "version",
                    "version 1", WAIT);
            // Before, the agent made the server itself a second after premain: this JVM outlives that second (a
            // wait for nothing to happen cannot be shorter than the time it happened in)
            Thread.sleep(1500);
            jvm.send("version");
            jvm.expect("version 1", WAIT);
            List<String> serverClasses = Files.readAllLines(classes).stream()
                    .filter(line -> line.contains(" javax.management.MBeanServerFactory ")).toList();
            assertEquals(List.of(), serverClasses, "nobody made the platform MBean server\n" + jvm.describe());

            jvm.send("mbeans");
            String mbeans = jvm.expect("mbeans", WAIT);
            assertTrue(mbeans.contains(MANAGER) && mbeans.contains("io.modulets:type=Generation,id=1"),
                    mbeans + "\n" + jvm.describe());
        }
    }

    /**
     * The agent registers its MBeans on its own thread once premain is done: a client that connects
     * at once may be first. Waits (bounded) for the manager's registration, as a tool would.
     */
    static void awaitManager(MBeanServerConnection jmx, InteractiveJvm jvm) throws Exception {
        ObjectName manager = new ObjectName(MANAGER);
        BlockingQueue<Notification> registrations = new LinkedBlockingQueue<>();
        jmx.addNotificationListener(MBeanServerDelegate.DELEGATE_NAME, (n, handback) -> registrations.add(n), null, null);
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (!jmx.isRegistered(manager)) {
            if (registrations.poll(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS) == null) {
                fail(MANAGER + " not registered within " + WAIT.toSeconds() + " s\n" + jvm.describe());
            }
        }
    }

    /** Every attribute of every io.modulets MBean, keyed "objectName attribute". */
    private static TreeMap<String, Object> readEverything(MBeanServerConnection jmx, InteractiveJvm jvm) throws Exception {
        TreeMap<String, Object> values = new TreeMap<>();
        Set<ObjectName> names = jmx.queryNames(new ObjectName("io.modulets:*"), null);
        assertTrue(names.contains(new ObjectName(MANAGER)), names + "\n" + jvm.describe());
        assertTrue(names.contains(new ObjectName("io.modulets:type=Generation,id=1")), names.toString());
        for (ObjectName name : names) {
            MBeanInfo info = jmx.getMBeanInfo(name);
            for (MBeanAttributeInfo attribute : info.getAttributes()) {
                Object value = jmx.getAttribute(name, attribute.getName());
                if (value != null) {
                    assertTrue(isOpen(value), name + " " + attribute.getName() + " is a " + value.getClass());
                }
                values.put(name + " " + attribute.getName(), value);
            }
        }
        return values;
    }

    private static boolean isOpen(Object value) {
        Class<?> type = value.getClass().isArray() ? value.getClass().getComponentType() : value.getClass();
        return type.getName().startsWith("java.") || CompositeData.class.isAssignableFrom(type);
    }

    private static void assertNotificationTypes(MBeanInfo info) {
        Set<String> types = new java.util.HashSet<>();
        for (MBeanNotificationInfo n : info.getNotifications()) {
            types.addAll(Arrays.asList(n.getNotifTypes()));
            assertFalse(n.getDescription().isBlank());
        }
        assertEquals(Set.of("io.modulets.activation", "io.modulets.rejection", "io.modulets.retirement",
                "io.modulets.unloading", "io.modulets.canary.start", "io.modulets.canary.abort"), types);
    }

    /** The next notification of {@code type} (others are skipped), within {@link #WAIT}. */
    static Notification next(BlockingQueue<Notification> queue, String type, InteractiveJvm jvm)
            throws InterruptedException {
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (true) {
            Notification n = queue.poll(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
            if (n == null) {
                return fail("no " + type + " notification within " + WAIT.toSeconds() + " s\n" + jvm.describe());
            }
            if (n.getType().equals(type)) {
                return n;
            }
        }
    }

    /** Asks for collections (java.lang:type=Memory gc) until a notification of {@code type} arrives. */
    static Notification collectUntil(MBeanServerConnection jmx, BlockingQueue<Notification> queue, String type,
                                     InteractiveJvm jvm) throws Exception {
        for (int attempt = 0; attempt < 20; attempt++) {
            jmx.invoke(new ObjectName("java.lang:type=Memory"), "gc", null, null);
            Notification n = queue.poll(2, TimeUnit.SECONDS);
            while (n != null && !n.getType().equals(type)) {
                n = queue.poll(2, TimeUnit.SECONDS);
            }
            if (n != null) {
                return n;
            }
        }
        return fail("no " + type + " notification after 20 collections\n" + jvm.describe());
    }

    interface JmxCall {
        Object call() throws Exception;
    }

    /** The message of the JDK exception a refused operation throws (RuntimeMBeanException around it). */
    static String refusal(JmxCall call) {
        try {
            Object result = call.call();
            return fail("not refused: returned " + result);
        } catch (Exception e) {
            for (Throwable t = e; t != null; t = t.getCause()) {
                if ((t instanceof IllegalStateException || t instanceof IllegalArgumentException)
                        && t.getMessage() != null && t.getMessage().startsWith("modulets: ")) {
                    assertTrue(t.getClass().getName().startsWith("java."), "a JDK exception, no modulets class");
                    return t.getMessage();
                }
            }
            return fail("refused without a one-line IllegalStateException/IllegalArgumentException: " + e, e);
        }
    }

    static String read(String path) throws IOException {
        return AppSources.read(APP + path);
    }
}
