package io.modulets.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import javax.management.MBeanServerConnection;
import javax.management.Notification;
import javax.management.ObjectName;
import javax.management.remote.JMXConnector;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.TestInfo;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import io.modulets.testkit.ChildJvm;
import io.modulets.testkit.Deploys;
import io.modulets.testkit.InteractiveJvm;
import io.modulets.testkit.JarBuilder;
import io.modulets.testkit.Jdks.Jdk;
import io.modulets.testkit.WorkDirs;

/**
 * The package lists changed at run time through JMX (DESIGN §4), the Python modulets experiment's "remote-control
 * console that includes a new module in the white-list": a package none of whose classes is loaded
 * becomes swappable (without {@code modules}, its class-path jar joins a new generation); once its
 * classes are loaded, the change back is refused with one line that names the class and its
 * loader, and nothing changes; so is adding a package the shell has loaded already.
 */
@Timeout(value = 5, unit = TimeUnit.MINUTES)
class PackageListsIT {
    private static final Duration WAIT = Duration.ofSeconds(30);
    private static Path shellJar;
    private static Path extraJar;
    private static Path modJar;

    @BeforeAll
    static void build() throws IOException {
        Path dir = WorkDirs.forClass(PackageListsIT.class);
        extraJar = new JarBuilder()
                .source("ext.Extra", "package ext; public class Extra { public static String hello() { return \"hello\"; } }")
                .build(dir.resolve("extra.jar"));
        modJar = new JarBuilder()
                .source("jx.mod.Version", "package jx.mod; public class Version { public static int get() { return 1; } }")
                .build(dir.resolve("mod.jar"));
        shellJar = new JarBuilder().classpath(modJar, extraJar)
                .source("jx.Main", JmxIT.read("shell/jx/Main.java"))
                .source("jx.UsesExtra", JmxIT.read("shell/jx/UsesExtra.java"))
                .source("jx.util.Helper", JmxIT.read("shell/jx/util/Helper.java"))
                .build(dir.resolve("shell.jar"));
    }

    @ParameterizedTest(name = "[{index}] {0}")
    @MethodSource("io.modulets.testkit.Jdks#all")
    void aPackageBecomesSwappableBeforeItsClassesLoadAndNotAfter(Jdk jdk, TestInfo info) throws Exception {
        Path work = WorkDirs.forTest(info);
        // No modules directory: the swappable code is the class path's (mod.jar), and so is ext's.
        ChildJvm child = ChildJvm.on(jdk)
                .agent("packages=jx.mod,store=" + work.resolve("store"))
                .classpath(shellJar, modJar, extraJar)
                .mainClass("jx.Main");
        try (InteractiveJvm jvm = InteractiveJvm.start(child, work, "child");
             JMXConnector connector = JmxIT.connect(jvm)) {
            MBeanServerConnection jmx = connector.getMBeanServerConnection();
            ObjectName manager = new ObjectName("io.modulets:type=Manager");

            // ext: no class of it loaded yet, so it becomes swappable, in a new generation with extra.jar
            assertEquals(List.of("jx.mod", "ext"), strings(jmx.invoke(manager, "addSwappablePackage",
                    new Object[] {"ext"}, new String[] {String.class.getName()})), jvm.describe());
            assertEquals(2, jmx.getAttribute(manager, "CurrentGeneration"), jvm.describe());
            jvm.send("extra");
            assertEquals("extra hello modulets-gen-2", jvm.expect("extra", WAIT), "ext.Extra comes from generation 2");

            // now that ext.Extra is loaded, it cannot go back to the shell
            String refusal = JmxIT.refusal(() -> jmx.invoke(manager, "removeSwappablePackage", new Object[] {"ext"},
                    new String[] {String.class.getName()}));
            assertTrue(refusal.matches("modulets: removeSwappablePackage ext refused: class ext\\.Extra \\(loaded by"
                    + " modulets-gen-2 generation 2 .*\\) is loaded already, and a loaded class keeps its loader;"
                    + " restart the JVM with packages=jx\\.mod"), refusal);

            // the shell loaded jx.util.Helper at startup: jx.util cannot become swappable
            String loaded = JmxIT.refusal(() -> jmx.invoke(manager, "addSwappablePackage", new Object[] {"jx.util"},
                    new String[] {String.class.getName()}));
            assertTrue(loaded.matches("modulets: addSwappablePackage jx\\.util refused: class jx\\.util\\.Helper"
                    + " \\(loaded by modulets-shell .*\\) is loaded already, and a loaded class keeps its loader;"
                    + " restart the JVM with packages=jx\\.mod:ext:jx\\.util"), loaded);

            String bad = JmxIT.refusal(() -> jmx.invoke(manager, "addSharedPackage", new Object[] {"1bad"},
                    new String[] {String.class.getName()}));
            assertEquals("modulets: addSharedPackage 1bad: not a Java package name (give dot-separated Java"
                    + " identifiers such as com.acme.jobs)", bad);

            // nothing changed
            assertEquals(List.of("jx.mod", "ext"), strings(jmx.getAttribute(manager, "SwappablePackages")));
            assertEquals(List.of(), strings(jmx.getAttribute(manager, "SharedPackages")));
            assertEquals(2, jmx.getAttribute(manager, "CurrentGeneration"));
            jvm.send("extra");
            assertEquals("extra hello modulets-gen-2", jvm.expect("extra", WAIT));
        }
    }

    @ParameterizedTest(name = "[{index}] {0}")
    @MethodSource("io.modulets.testkit.Jdks#all")
    void withModulesTheNewPackageComesWithTheNextDeploy(Jdk jdk, TestInfo info) throws Exception {
        Path work = WorkDirs.forTest(info);
        Path modules = Files.createDirectories(work.resolve("modules"));
        Files.copy(modJar, modules.resolve("mod.jar"));
        ChildJvm child = ChildJvm.on(jdk)
                .agent("packages=jx.mod,modules=" + modules + ",quiet=50ms,store=" + work.resolve("store"))
                .classpath(shellJar)
                .mainClass("jx.Main");
        try (InteractiveJvm jvm = InteractiveJvm.start(child, work, "child");
             JMXConnector connector = JmxIT.connect(jvm)) {
            MBeanServerConnection jmx = connector.getMBeanServerConnection();
            ObjectName manager = new ObjectName("io.modulets:type=Manager");
            BlockingQueue<Notification> notifications = new LinkedBlockingQueue<>();
            jmx.addNotificationListener(manager, (n, handback) -> notifications.add(n), null, null);

            // outside=refuse: a modules jar with ext classes is refused while ext is not swappable
            Deploys.renameInto(extraJar, modules, "ext.jar");
            Notification refused = JmxIT.next(notifications, "io.modulets.rejection", jvm);
            assertTrue(refused.getMessage().contains("ext.jar holds ext.Extra, outside the"
                    + " swappable packages"), refused.getMessage());

            // ext becomes swappable (no class of it is loaded); the lists change, no generation yet
            assertEquals(List.of("jx.mod", "ext"), strings(jmx.invoke(manager, "addSwappablePackage",
                    new Object[] {"ext"}, new String[] {String.class.getName()})));
            assertEquals(1, jmx.getAttribute(manager, "CurrentGeneration"));

            // the modules directory as it is now is accepted
            assertEquals(2, jmx.invoke(manager, "rescan", null, null));
            jvm.send("extra");
            assertEquals("extra hello modulets-gen-2", jvm.expect("extra", WAIT));
        }
    }

    private static List<String> strings(Object array) {
        return Arrays.asList((String[]) array);
    }
}
