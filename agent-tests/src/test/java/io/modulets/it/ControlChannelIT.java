package io.modulets.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.TestInfo;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import io.modulets.testkit.AppSources;
import io.modulets.testkit.Artifacts;
import io.modulets.testkit.ChildJvm;
import io.modulets.testkit.InteractiveJvm;
import io.modulets.testkit.JarBuilder;
import io.modulets.testkit.Jdks.Jdk;
import io.modulets.testkit.WorkDirs;

/**
 * What the CLI's control channel opens in the target JVM (docs/REFERENCE.md, Security):
 * the agent opens no listening socket of its own, and the CLI's first call makes the JDK start its local JMX
 * connector, whose server socket the JDK binds to the wildcard address (it refuses, at accept, connections
 * from addresses that are not this host's). The test pins that truth, read from {@code /proc} (Linux): if a
 * JDK binds it to loopback one day, the docs must change with it.
 */
@Timeout(value = 3, unit = TimeUnit.MINUTES)
class ControlChannelIT {
    private static final Duration LINE = Duration.ofSeconds(60);
    private static Path shellJar;
    private static Path v1000;

    @BeforeAll
    static void build() throws IOException {
        Path dir = WorkDirs.forClass(ControlChannelIT.class);
        v1000 = new JarBuilder().source("cli.mod.Magic", "package cli.mod;\npublic class Magic {\n"
                + "    public static int get() { return 1000; }\n}\n").build(dir.resolve("v1000/magic.jar"));
        shellJar = new JarBuilder().source("cli.App", AppSources.read("apps/cli/shell/cli/App.java"))
                .classpath(v1000).build(dir.resolve("shell.jar"));
    }

    @ParameterizedTest(name = "[{index}] {0}")
    @MethodSource("io.modulets.testkit.Jdks#all")
    void theOnlyListeningSocketIsTheJdksLocalConnectorStartedByTheCliOnTheWildcardAddress(Jdk jdk, TestInfo info)
            throws Exception {
        assumeTrue(Files.isReadable(Path.of("/proc/net/tcp")), "Linux's /proc/net/tcp");
        Path work = WorkDirs.forTest(info);
        Path modules = Files.createDirectories(work.resolve("modules"));
        Files.copy(v1000, modules.resolve("magic.jar"));
        try (InteractiveJvm child = InteractiveJvm.start(ChildJvm.on(jdk)
                .agent("packages=cli.mod,modules=" + modules + ",store=" + work.resolve("store"))
                .classpath(shellJar).mainClass("cli.App"), work, "target")) {
            child.expect("READY ", LINE);
            assertEquals(List.of(), listening(child.pid()), "the agent listens on no port of its own");

            ChildJvm.Result status = ChildJvm.on(jdk).jar(Artifacts.agentJar())
                    .args("status", Long.toString(child.pid())).outputIn(work).name("cli-status").run();
            assertEquals(0, status.exitCode(), status::describe);
            List<String> after = listening(child.pid());
            assertEquals(1, after.size(), () -> "one listening socket, the JDK's local connector: " + after);
            assertTrue(after.get(0).matches("0+:[0-9A-F]{4}"), () -> "bound to the wildcard address (all zeros): "
                    + after.get(0));
        }
    }

    /** The local addresses ({@code hex-address:hex-port}, as /proc shows them) of {@code pid}'s listening TCP sockets. */
    private static List<String> listening(long pid) throws IOException {
        Set<String> inodes = new HashSet<>();
        try (Stream<Path> fds = Files.list(Path.of("/proc/" + pid + "/fd"))) {
            for (Path fd : fds.toList()) {
                try {
                    String target = Files.readSymbolicLink(fd).toString();
                    if (target.startsWith("socket:[")) inodes.add(target.substring(8, target.length() - 1));
                } catch (IOException closedMeanwhile) {
                    // not a socket we need
                }
            }
        }
        List<String> found = new ArrayList<>();
        for (String table : List.of("/proc/" + pid + "/net/tcp", "/proc/" + pid + "/net/tcp6")) {
            Path file = Path.of(table);
            if (!Files.isReadable(file)) continue;
            for (String line : Files.readAllLines(file).stream().skip(1).toList()) {
                // sl local_address rem_address st tx_queue:rx_queue tr:tm->when retrnsmt uid timeout inode
                String[] f = line.trim().split("\\s+");
                if (f.length > 9 && f[3].equals("0A") && inodes.contains(f[9])) found.add(f[1]);
            }
        }
        return found;
    }
}
