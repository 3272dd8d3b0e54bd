package io.modulets.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeFalse;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class AgentOptionsTest {

    static final String KEYS = "packages, modules, shared, outside, store, retain, watch, quiet, jmx, log, executors,"
            + " loops, requests, drainWarning, maxGenerations, onLimit, maxEntrySize, maxJarSize, maxEntries,"
            + " maxRatio, permissions, trust, trustPassword, canary, canaryMargin, canaryMinTasks, canaryLatency,"
            + " normalExceptions, config";

    @TempDir
    Path tmp;
    Path home;

    @BeforeEach
    void createHome() throws IOException {
        home = Files.createDirectory(tmp.resolve("home"));
    }

    AgentOptions parse(String args) throws OptionsException {
        return AgentOptions.parse(args, Map.of(), home);
    }

    void assertError(String expected, String args) {
        OptionsException e = assertThrows(OptionsException.class, () -> parse(args));
        assertEquals(expected, e.getMessage());
        assertOneLine(e);
    }

    static void assertOneLine(OptionsException e) {
        assertTrue(e.getMessage().startsWith("modulets: "), e.getMessage());
        assertFalse(e.getMessage().contains("\n") || e.getMessage().contains("\r"), e.getMessage());
    }

    static boolean isRoot() {
        return "root".equals(System.getProperty("user.name"));
    }

    @Nested
    class Defaults {
        @Test
        void everyOptionalKeyHasItsDefault() throws Exception {
            AgentOptions options = parse("packages=com.acme.jobs");
            assertEquals(List.of("com.acme.jobs"), options.packages());
            assertEquals(Optional.empty(), options.modules());
            assertEquals(List.of(), options.shared());
            assertEquals(home.resolve(".cache/modulets/store").toAbsolutePath(), options.store());
            assertTrue(options.watch());
            assertTrue(options.jmx());
            assertEquals(LogLevel.INFO, options.log());
            assertEquals(0, options.maxGenerations(), "no limit");
            assertEquals(OnLimit.REFUSE, options.onLimit());
            assertEquals(Optional.empty(), options.config());
            assertEquals(Permissions.STRICT, options.permissions());
            assertEquals(Optional.empty(), options.trust());
            assertEquals(Optional.empty(), options.trustPassword());
            assertEquals(JarLimits.DEFAULT, options.jarLimits());
        }

        @Test
        void storeDefaultsUnderXdgCacheHome() throws Exception {
            Path cache = tmp.resolve("xdg-cache");
            AgentOptions options = AgentOptions.parse("packages=a", Map.of("XDG_CACHE_HOME", cache.toString()), home);
            assertEquals(cache.resolve("modulets/store"), options.store());
        }

        @ParameterizedTest
        @ValueSource(strings = {"", "  ", "relative/cache"})
        void blankOrRelativeXdgCacheHomeIsIgnored(String xdg) throws Exception {
            AgentOptions options = AgentOptions.parse("packages=a", Map.of("XDG_CACHE_HOME", xdg), home);
            assertEquals(home.resolve(".cache/modulets/store"), options.store());
        }

        @Test
        void defaultStoreThatIsAFileIsRefused() throws Exception {
            Path store = Files.createDirectories(home.resolve(".cache/modulets")).resolve("store");
            Files.writeString(store, "");
            assertError("modulets: default store " + store + " exists and is not a directory; give store=DIR",
                    "packages=a");
        }

        @ParameterizedTest
        @ValueSource(strings = {"", "   ", ",", "watch=false", "packages=", "packages= : :"})
        void nothingToSwapIsRefused(String args) {
            assertError("modulets: nothing to swap: give packages=PREFIX[:PREFIX…] or modules=DIR", args);
        }

        @Test
        void nullArgumentsMeanNothingToSwap() {
            OptionsException e = assertThrows(OptionsException.class, () -> AgentOptions.parse(null, Map.of(), home));
            assertEquals("modulets: nothing to swap: give packages=PREFIX[:PREFIX…] or modules=DIR", e.getMessage());
        }

        @Test
        void parseWithoutEnvironmentUsesTheRealOne() throws Exception {
            assertTrue(AgentOptions.parse("packages=a").store().isAbsolute());
        }
    }

    @Nested
    class Syntax {
        @Test
        void whitespaceAroundKeysAndValuesIsTrimmed() throws Exception {
            AgentOptions options = parse(" packages = com.acme.jobs , log = debug ");
            assertEquals(List.of("com.acme.jobs"), options.packages());
            assertEquals(LogLevel.DEBUG, options.log());
        }

        @Test
        void emptyPairsAreSkipped() throws Exception {
            AgentOptions options = parse("packages=a,,log=warn,");
            assertEquals(List.of("a"), options.packages());
            assertEquals(LogLevel.WARN, options.log());
        }

        @Test
        void listElementsAreTrimmedAndEmptyOnesIgnored() throws Exception {
            AgentOptions options = parse("packages=: com.acme.jobs :: com.acme.mail :,shared= com.acme.jobs.api :");
            assertEquals(List.of("com.acme.jobs", "com.acme.mail"), options.packages());
            assertEquals(List.of("com.acme.jobs.api"), options.shared());
        }

        @Test
        void duplicateListElementsAreDroppedKeepingOrder() throws Exception {
            assertEquals(List.of("b", "a"), parse("packages=b:a:b").packages());
        }

        @Test
        void pairWithoutEqualsIsRefused() {
            assertError("modulets: bad agent argument 'com.acme.jobs': expected key=value"
                    + " (pairs separated by ',', list values by ':')", "com.acme.jobs");
        }

        @Test
        void emptyKeyIsRefused() {
            assertError("modulets: bad agent argument '=com.acme': empty key (valid keys: " + KEYS + ")",
                    "packages=a, =com.acme");
        }

        @Test
        void keyGivenTwiceIsRefused() {
            assertError("modulets: agent argument 'log' is given twice; give each key once",
                    "packages=a,log=info,log=debug");
        }

        @ParameterizedTest
        @ValueSource(strings = {"foo=1", "packages=a,foo=1", "Packages=a", "package=a"})
        void unknownKeyIsRefused(String args) {
            String key = args.replaceFirst("^packages=a,", "").replaceFirst("=.*", "");
            assertError("modulets: unknown agent argument '" + key + "' (valid keys: " + KEYS + ")", args);
        }

        @Test
        void valueMayHoldEquals() throws Exception {
            Path dir = Files.createDirectory(tmp.resolve("a=b"));
            assertEquals(Optional.of(dir), parse("modules=" + dir).modules());
        }

        @Test
        void toStringPrintsEveryKey() throws Exception {
            Path modules = Files.createDirectory(tmp.resolve("jobs"));
            AgentOptions options = parse("packages=com.acme.jobs:com.acme.mail,shared=com.acme.jobs.api,modules="
                    + modules + ",store=" + tmp.resolve("s") + ",watch=false,jmx=false,log=debug");
            assertEquals("packages=com.acme.jobs:com.acme.mail, modules=" + modules + ", shared=com.acme.jobs.api"
                    + ", outside=refuse, store=" + tmp.resolve("s") + ", retain=5, watch=false, quiet=200ms, jmx=false,"
                    + " log=debug,"
                    + " executors=, loops=, requests=, drainWarning=60000ms, maxGenerations=, onLimit=refuse,"
                    + " maxEntrySize=512m, maxJarSize=2g, maxEntries=1000000, maxRatio=100, permissions=strict,"
                    + " trust=, trustPassword=, canary=, canaryMargin=, canaryMinTasks=, canaryLatency=,"
                    + " normalExceptions=, config=",
                    options.toString());
        }
    }

    @Nested
    class Packages {
        @ParameterizedTest
        @ValueSource(strings = {"com.acme.jobs", "a", "_x.$y", "com.acme.jobs2", "é.ü", "org.jetbrains.kotlin.native",
                "javafx.scene", "com.sunny", "io.modulet", "io.modulets2", "com", "io"})
        void validPackageNameIsAccepted(String name) throws Exception {
            assertEquals(List.of(name), parse("packages=" + name).packages());
        }

        @ParameterizedTest
        @ValueSource(strings = {"com.acme.*", "com..acme", ".com", "com.", "1com", "com.1acme", "com/acme",
                "com-acme", "com acme", "com.\u0000x"})
        void invalidPackageNameIsRefused(String name) {
            OptionsException e = assertThrows(OptionsException.class, () -> parse("packages=a:" + name));
            assertEquals("modulets: bad agent argument packages=a:" + name + ": '" + name
                    + "' is not a Java package name (give dot-separated Java identifiers such as com.acme.jobs,"
                    + " separated by ':'; a prefix covers its subpackages)", e.getMessage());
            assertOneLine(e);
        }

        @ParameterizedTest
        @ValueSource(strings = {"java", "java.util", "javax.swing", "jdk.internal", "sun.misc", "com.sun",
                "com.sun.net.httpserver", "io.modulets", "io.modulets.shaded.asm"})
        void packageInTheJdkOrAgentNamespaceIsRefused(String name) {
            assertError("modulets: bad agent argument packages=com.acme:" + name + ": " + name
                    + " is both swappable and shared (java, javax, jdk, sun, com.sun, io.modulets are never swapped)",
                    "packages=com.acme:" + name);
        }

        @ParameterizedTest
        @ValueSource(strings = {"com.acme.jobs", "com.acme", "com"})
        void packageEqualToOrUnderASharedOneIsRefused(String sharedName) {
            assertError("modulets: bad agent argument packages=com.acme.jobs: com.acme.jobs is both swappable"
                    + " and shared (shared=" + sharedName + "); only a subpackage of a swappable package can be shared",
                    "packages=com.acme.jobs,shared=" + sharedName);
        }

        @Test
        void sharedSubpackageOfASwappableOneIsACarveOut() throws Exception {
            AgentOptions options = parse("packages=com.acme,shared=com.acme.api:com.acme.jobs.dto");
            assertEquals(List.of("com.acme"), options.packages());
            assertEquals(List.of("com.acme.api", "com.acme.jobs.dto"), options.shared());
        }

        @Test
        void sharedSiblingPrefixIsNotAConflict() throws Exception {
            assertEquals(List.of("com.acme.job"), parse("packages=com.acme.jobs,shared=com.acme.job").shared());
        }

        @Test
        void invalidSharedNameIsRefused() {
            assertError("modulets: bad agent argument shared=com.acme.*: 'com.acme.*' is not a Java package name"
                    + " (give dot-separated Java identifiers such as com.acme.jobs, separated by ':';"
                    + " a prefix covers its subpackages)", "packages=a,shared=com.acme.*");
        }

        @Test
        void sharedMayRepeatTheBuiltInOnes() throws Exception {
            assertEquals(List.of("java.util"), parse("packages=a,shared=java.util").shared());
        }
    }

    @Nested
    class Modules {
        @Test
        void existingDirectoryIsAccepted() throws Exception {
            Path dir = Files.createDirectory(tmp.resolve("jobs"));
            AgentOptions options = parse("modules=" + dir);
            assertEquals(Optional.of(dir), options.modules());
            assertEquals(List.of(), options.packages());
        }

        @Test
        void relativePathIsMadeAbsolute() throws Exception {
            Path cwd = Path.of("").toAbsolutePath();
            Path dir = Files.createTempDirectory(cwd.resolve("target"), "modules");
            try {
                Path relative = cwd.relativize(dir);
                assertEquals(Optional.of(dir), parse("modules=" + relative).modules());
            } finally {
                Files.delete(dir);
            }
        }

        @Test
        void missingDirectoryIsRefused() {
            Path dir = tmp.resolve("nope");
            assertError("modulets: bad agent argument modules=" + dir + ": " + dir
                    + " does not exist; give the directory that holds the swappable jars", "modules=" + dir);
        }

        @Test
        void fileIsRefused() throws Exception {
            Path file = Files.writeString(tmp.resolve("jobs.jar"), "");
            assertError("modulets: bad agent argument modules=" + file + ": " + file
                    + " is not a directory; give the directory that holds the swappable jars", "modules=" + file);
        }

        @Test
        void unreadableDirectoryIsRefused() throws Exception {
            assumeFalse(isRoot(), "root reads every directory");
            Path dir = Files.createDirectory(tmp.resolve("locked"));
            Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("-wx------"));
            try {
                assertError("modulets: bad agent argument modules=" + dir + ": " + dir
                        + " is not readable; give a directory the JVM's user can read", "modules=" + dir);
            } finally {
                Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwx------"));
            }
        }

        @Test
        void emptyValueIsRefused() {
            assertError("modulets: bad agent argument modules=: empty; give a path", "packages=a,modules=");
        }

        @Test
        void invalidPathIsRefused() {
            OptionsException e = assertThrows(OptionsException.class, () -> parse("modules=a\u0000b"));
            assertTrue(e.getMessage().startsWith("modulets: bad agent argument modules=a\u0000b: not a valid path ("),
                    e.getMessage());
            assertOneLine(e);
        }
    }

    @Nested
    class Store {
        @Test
        void existingDirectoryIsAccepted() throws Exception {
            Path dir = Files.createDirectory(tmp.resolve("store"));
            assertEquals(dir, parse("packages=a,store=" + dir).store());
        }

        @Test
        void missingDirectoryIsAcceptedAndCreatedLater() throws Exception {
            Path dir = tmp.resolve("not/yet");
            assertEquals(dir, parse("packages=a,store=" + dir).store());
            assertFalse(Files.exists(dir));
        }

        @Test
        void relativePathIsMadeAbsolute() throws Exception {
            assertEquals(Path.of("snapshots").toAbsolutePath(), parse("packages=a,store=snapshots").store());
        }

        @Test
        void fileIsRefused() throws Exception {
            Path file = Files.writeString(tmp.resolve("store"), "");
            assertError("modulets: bad agent argument store=" + file + ": " + file
                    + " exists and is not a directory; give a directory (it is created if missing)",
                    "packages=a,store=" + file);
        }

        @Test
        void emptyValueIsRefused() {
            assertError("modulets: bad agent argument store=: empty; give a path", "packages=a,store= ");
        }
    }

    @Nested
    class Switches {
        @ParameterizedTest
        @ValueSource(strings = {"true", "TRUE", "True", " true "})
        void trueInAnyCase(String value) throws Exception {
            AgentOptions options = parse("packages=a,watch=" + value + ",jmx=" + value);
            assertTrue(options.watch());
            assertTrue(options.jmx());
        }

        @ParameterizedTest
        @ValueSource(strings = {"false", "FALSE", "False"})
        void falseInAnyCase(String value) throws Exception {
            AgentOptions options = parse("packages=a,watch=" + value + ",jmx=" + value);
            assertFalse(options.watch());
            assertFalse(options.jmx());
        }

        @ParameterizedTest
        @ValueSource(strings = {"yes", "1", "on", "", "truee"})
        void anythingElseIsRefused(String value) {
            assertError("modulets: bad agent argument watch=" + value + ": must be true or false",
                    "packages=a,watch=" + value);
            assertError("modulets: bad agent argument jmx=" + value + ": must be true or false",
                    "packages=a,jmx=" + value);
        }
    }

    @Nested
    class Quiet {
        @Test
        void defaultIs200Milliseconds() throws Exception {
            assertEquals(Duration.ofMillis(200), parse("packages=a").quiet());
        }

        @ParameterizedTest
        @CsvSource({"50,50", "50ms,50", "2s,2000", "1m,60000", "60m,3600000", "1,1", " 3S ,3000"})
        void aNumberWithAnOptionalUnit(String value, long millis) throws Exception {
            assertEquals(Duration.ofMillis(millis), parse("packages=a,quiet=" + value).quiet());
        }

        @ParameterizedTest
        @ValueSource(strings = {"", "fast", "-5", "1.5s", "5h", "10 s", "ms", "9999999999999"})
        void anythingElseIsRefused(String value) {
            assertError("modulets: bad agent argument quiet=" + value.trim() + ": not a duration; give a number with"
                    + " ms, s or m (200ms, 2s, 1m; a plain number is ms)", "packages=a,quiet=" + value);
        }

        @ParameterizedTest
        @ValueSource(strings = {"0", "0ms", "61m", "3601s", "999999999999"})
        void outOfRangeIsRefused(String value) {
            assertError("modulets: bad agent argument quiet=" + value + ": must be between 1ms and 60m",
                    "packages=a,quiet=" + value);
        }
    }

    @Nested
    class Outside {
        @Test
        void refusedByDefault() throws Exception {
            assertFalse(parse("packages=a").allowOutside());
            assertFalse(parse("packages=a,outside=refuse").allowOutside());
        }

        @Test
        void ignoreAllowsThem() throws Exception {
            assertTrue(parse("packages=a,outside=IGNORE").allowOutside());
        }

        @ParameterizedTest
        @ValueSource(strings = {"", "allow", "true", "yes"})
        void anythingElseIsRefused(String value) {
            assertError("modulets: bad agent argument outside=" + value + ": must be refuse (a modules jar holding a"
                    + " class outside the swappable packages is not activated) or ignore (such classes are never"
                    + " loaded from a generation)", "packages=a,outside=" + value);
        }
    }

    @Nested
    class Log {
        @Test
        void everyLevelIsAccepted() throws Exception {
            for (LogLevel level : LogLevel.values()) {
                assertEquals(level, parse("packages=a,log=" + level.argument()).log());
                assertEquals(level, parse("packages=a,log=" + level.name()).log());
            }
        }

        @ParameterizedTest
        @ValueSource(strings = {"verbose", "warning", "trace", "all", ""})
        void anythingElseIsRefused(String value) {
            assertError("modulets: bad agent argument log=" + value + ": must be one of off, error, warn, info, debug",
                    "packages=a,log=" + value);
        }
    }

    @Nested
    class NormalExceptions {
        @Test
        void noneByDefault() throws Exception {
            assertEquals(List.of(), parse("packages=a").normalExceptions());
        }

        @Test
        void binaryClassNamesSeparatedByColonsTheJdksIncluded() throws Exception {
            AgentOptions options =
                    parse("packages=a,normalExceptions=java.io.FileNotFoundException:com.acme.Orders$NotFound");
            assertEquals(List.of("java.io.FileNotFoundException", "com.acme.Orders$NotFound"),
                    options.normalExceptions());
            assertTrue(options.toString().contains(
                    ", normalExceptions=java.io.FileNotFoundException:com.acme.Orders$NotFound,"), options.toString());
        }

        @ParameterizedTest
        @ValueSource(strings = {"NotFound", "java.io.", "java/io/IOException"})
        void aMalformedNameIsRefused(String value) {
            assertError("modulets: bad agent argument normalExceptions=" + value + ": '" + value + "' is not a class"
                    + " name (give binary names such as java.io.FileNotFoundException or com.acme.Orders$NotFound,"
                    + " separated by ':')", "packages=a,normalExceptions=" + value);
        }
    }

    @Nested
    class Executors {
        @Test
        void noneByDefault() throws Exception {
            assertEquals(List.of(), parse("packages=a").executors());
        }

        @Test
        void binaryClassNamesSeparatedByColons() throws Exception {
            assertEquals(List.of("com.acme.EventLoop", "com.acme.Loop$Queue"),
                    parse("packages=a,executors= com.acme.EventLoop::com.acme.Loop$Queue:com.acme.EventLoop").executors());
        }

        @ParameterizedTest
        @ValueSource(strings = {"EventLoop", "com.acme.", "com/acme/Loop", "com.acme.1Loop"})
        void aMalformedNameIsRefused(String value) {
            assertError("modulets: bad agent argument executors=" + value + ": '" + value + "' is not a class name"
                    + " (give binary names such as com.acme.EventLoop or com.acme.Loop$Queue, separated by ':')",
                    "packages=a,executors=" + value);
        }

        @Test
        void aJdkClassIsRefused() {
            assertError("modulets: bad agent argument executors=java.util.concurrent.ForkJoinPool:"
                    + " java.util.concurrent.ForkJoinPool is a JDK class; the JDK's executors are captured already",
                    "packages=a,executors=java.util.concurrent.ForkJoinPool");
        }
    }

    @Nested
    class ReadingLimits {
        @Test
        void theDefaultsAreStated() {
            assertEquals(new JarLimits(512L << 20, 2L << 30, 1_000_000, 100), JarLimits.DEFAULT);
        }

        @Test
        void sizesTakeBinaryUnitsOrBytes() throws Exception {
            JarLimits limits = parse("packages=a,maxEntrySize=64k,maxJarSize=3G,maxEntries=20,maxRatio=7").jarLimits();
            assertEquals(new JarLimits(64 << 10, 3L << 30, 20, 7), limits);
            assertEquals(1000, parse("packages=a,maxEntrySize=1000").jarLimits().maxEntrySize());
            assertEquals(5L << 20, parse("packages=a,maxJarSize=5m").jarLimits().maxJarSize());
            assertEquals(JarLimits.DEFAULT.maxRatio(), parse("packages=a,maxEntrySize=1m").jarLimits().maxRatio(),
                    "a limit not given keeps its default");
        }

        @ParameterizedTest
        @ValueSource(strings = {"0", "-1", "1.5m", "12t", "m", "", "99999999999999g", "1 g"})
        void aSizeThatIsNoneIsRefused(String value) {
            assertError("modulets: bad agent argument maxEntrySize=" + value.trim() + ": not a size; give a whole"
                    + " number of bytes, or one with k, m or g (64k, 512m, 2g)", "packages=a,maxEntrySize=" + value);
        }

        @ParameterizedTest
        @ValueSource(strings = {"0", "-4", "ten", "2.5"})
        void aCountBelowOneIsRefused(String value) {
            assertError("modulets: bad agent argument maxEntries=" + value + ": must be a whole number of at least 1"
                    + " (how many entries a jar may hold)", "packages=a,maxEntries=" + value);
            assertError("modulets: bad agent argument maxRatio=" + value + ": must be a whole number of at least 1"
                    + " (how many times its compressed size an entry over 16m may inflate to)",
                    "packages=a,maxRatio=" + value);
        }
    }

    @Nested
    class Servers {
        @Test
        void noLoopsRequestsByDefaultAndTheDrainWarningAfterAMinute() throws Exception {
            AgentOptions options = parse("packages=a");
            assertEquals(List.of(), options.loops());
            assertEquals(List.of(), options.requests());
            assertEquals(Optional.of(Duration.ofSeconds(60)), options.drainWarning());
        }

        @Test
        void loopsAreClassNamesOrPrefixes() throws Exception {
            assertEquals(List.of("com.acme.Poller", "com.acme.Server$*", "com.acme.loops.*"),
                    parse("packages=a,loops=com.acme.Poller: com.acme.Server$*:com.acme.loops.*:com.acme.Poller")
                            .loops());
        }

        @ParameterizedTest
        @ValueSource(strings = {"Poller", "com/acme/Poller", "*", "com.acme.1Poller"})
        void aMalformedLoopIsRefused(String value) {
            assertError("modulets: bad agent argument loops=" + value + ": '" + value + "' is not a class name (give"
                    + " binary names of thread or Runnable classes such as com.acme.Poller or com.acme.Server$Worker,"
                    + " a trailing * for a prefix, separated by ':')", "packages=a,loops=" + value);
        }

        @Test
        void requestsAreClassAndMethod() throws Exception {
            assertEquals(List.of("com.acme.Server#handle", "com.acme.Jobs$Shell#run"),
                    parse("packages=a,requests=com.acme.Server#handle:com.acme.Jobs$Shell#run").requests());
        }

        @ParameterizedTest
        @ValueSource(strings = {"com.acme.Server", "com.acme.Server#", "Server#handle", "com.acme.Server#1run",
                "com.acme.Server#handle()V"})
        void aMalformedRequestMethodIsRefused(String value) {
            assertError("modulets: bad agent argument requests=" + value + ": '" + value + "' is not a method (give"
                    + " binary class name#method such as com.acme.Server#handle, separated by ':')",
                    "packages=a,requests=" + value);
        }

        @Test
        void aJdkRequestMethodIsRefused() {
            assertError("modulets: bad agent argument requests=java.lang.Thread#run: java.lang.Thread is a JDK class;"
                    + " the JDK's tasks are captured already", "packages=a,requests=java.lang.Thread#run");
        }

        @Test
        void theDrainWarningTakesADurationOrOff() throws Exception {
            assertEquals(Optional.of(Duration.ofSeconds(5)), parse("packages=a,drainWarning=5s").drainWarning());
            assertEquals(Optional.empty(), parse("packages=a,drainWarning=off").drainWarning());
            assertError("modulets: bad agent argument drainWarning=soon: not a duration; give a number with ms, s or m"
                    + " (200ms, 2s, 1m; a plain number is ms), or off", "packages=a,drainWarning=soon");
        }
    }

    @Nested
    class Retention {
        @Test
        void theStoreKeepsFiveGenerationsUnlessTold() throws Exception {
            assertEquals(AgentOptions.DEFAULT_RETAIN, parse("packages=a").retain());
            assertEquals(5, AgentOptions.DEFAULT_RETAIN);
            assertEquals(1, parse("packages=a,retain=1").retain());
            assertEquals(1000, parse("packages=a,retain=1000").retain());
        }

        @ParameterizedTest
        @ValueSource(strings = {"0", "-1", "1001", "five", "", "2.5", "99999999999"})
        void aRetentionOutsideOneToAThousandIsRefused(String value) {
            assertError("modulets: bad agent argument retain=" + value + ": must be a whole number from 1 to 1000:"
                    + " how many generations made current the store keeps (besides those loaded or rollback-able)",
                    "packages=a,retain=" + value);
        }
    }

    @Nested
    class GenerationLimit {
        @Test
        void aLimitAndWhatItDoes() throws Exception {
            AgentOptions options = parse("packages=a,maxGenerations=5");
            assertEquals(5, options.maxGenerations());
            assertEquals(OnLimit.REFUSE, options.onLimit(), "a limit refuses unless told to warn");
            assertEquals(OnLimit.WARN, parse("packages=a,maxGenerations=2,onLimit=WARN").onLimit());
            assertEquals(OnLimit.REFUSE, parse("packages=a,maxGenerations=2,onLimit=refuse").onLimit());
        }

        @ParameterizedTest
        @ValueSource(strings = {"1", "0", "-3", "two", "", "2.5", "99999999999"})
        void aLimitBelowTwoOrNotANumberIsRefused(String value) {
            assertError("modulets: bad agent argument maxGenerations=" + value + ": must be a whole number of at"
                    + " least 2 (the current generation and the one being activated); leave it out for no limit",
                    "packages=a,maxGenerations=" + value);
        }

        @ParameterizedTest
        @ValueSource(strings = {"kill", "", "ignore"})
        void anotherOnLimitIsRefused(String value) {
            assertError("modulets: bad agent argument onLimit=" + value + ": must be one of refuse, warn",
                    "packages=a,maxGenerations=3,onLimit=" + value);
        }

        @Test
        void onLimitWithoutALimitIsRefused() {
            assertError("modulets: bad agent argument onLimit=warn: has no effect without maxGenerations=N;"
                    + " give both or neither", "packages=a,onLimit=warn");
        }

        @Test
        void bothReadFromTheConfigFile() throws Exception {
            Path file = Files.writeString(tmp.resolve("agent.properties"), "maxGenerations=4\nonLimit=warn\n");
            AgentOptions options = parse("packages=a,config=" + file);
            assertEquals(4, options.maxGenerations());
            assertEquals(OnLimit.WARN, options.onLimit());
        }
    }

    @Nested
    class CanaryArguments {
        @Test
        void absentMeansPlainActivationsAndNoAutomaticAbort() throws Exception {
            AgentOptions options = parse("packages=a");
            assertEquals(0, options.canary());
            assertTrue(Double.isNaN(options.canaryMargin()));
            assertEquals(AgentOptions.DEFAULT_CANARY_MIN_TASKS, options.canaryMinTasks());
        }

        @Test
        void aFractionAMarginAndAMinimum() throws Exception {
            AgentOptions options = parse("packages=a,canary=5%,canaryMargin=2.5%,canaryMinTasks=40");
            assertEquals(0.05, options.canary(), 1e-12);
            assertEquals(0.025, options.canaryMargin(), 1e-12);
            assertEquals(40, options.canaryMinTasks());
            assertEquals(0, parse("packages=a,canaryMargin=0%").canaryMargin(), "a margin may be 0");
            assertEquals(1, parse("packages=a,canary=100%").canary(), 1e-12);
            assertTrue(options.toString().contains(", canary=5%, canaryMargin=2.5%, canaryMinTasks=40,"),
                    options.toString());
        }

        @ParameterizedTest
        @ValueSource(strings = {"5", "0.05", "5 %", "-5%", "five%", "", "%", "5%%", "1e2%"})
        void aFractionThatIsNotAPercentageIsRefused(String value) {
            assertError("modulets: bad agent argument canary=" + value + ": '" + value
                    + "' is not a percentage; give one such as 5% or 0.5%", "packages=a,canary=" + value);
        }

        @ParameterizedTest
        @ValueSource(strings = {"0%", "0.0%", "100.5%", "250%"})
        void aFractionOutOfRangeIsRefused(String value) {
            assertError("modulets: bad agent argument canary=" + value + ": '" + value
                    + "' is out of range; give more than 0% to 100%", "packages=a,canary=" + value);
        }

        @Test
        void aLatencyFactorAloneOrWithAMinimum() throws Exception {
            AgentOptions options = parse("packages=a,canary=5%,canaryLatency=1.5x,canaryMinTasks=200");
            assertEquals(1.5, options.canaryLatency(), 1e-12);
            assertEquals(200, options.canaryMinTasks(), "a minimum with the latency rule alone");
            assertTrue(Double.isNaN(options.canaryMargin()));
            assertTrue(options.toString().contains(", canaryMinTasks=200, canaryLatency=1.5x,"), options.toString());
            assertEquals(2, parse("packages=a,canaryLatency=2x").canaryLatency(), 1e-12);
            assertTrue(Double.isNaN(parse("packages=a").canaryLatency()), "absent: latency does not abort");
        }

        @ParameterizedTest
        @ValueSource(strings = {"1.5", "x", "150%", "-2x", "1.5X", "", "1.555x"})
        void aLatencyFactorThatIsNotOneIsRefused(String value) {
            assertError("modulets: bad agent argument canaryLatency=" + value + ": '" + value
                    + "' is not a factor; give one such as 1.5x or 2x", "packages=a,canaryLatency=" + value);
        }

        @Test
        void aLatencyFactorBelowOneIsRefused() {
            assertError("modulets: bad agent argument canaryLatency=0.9x: '0.9x' is below 1x; give 1x or more",
                    "packages=a,canaryLatency=0.9x");
        }

        @Test
        void aMarginAbove100IsRefused() {
            assertError("modulets: bad agent argument canaryMargin=101%: '101%' is out of range; give 0% to 100%",
                    "packages=a,canaryMargin=101%");
        }

        @ParameterizedTest
        @ValueSource(strings = {"0", "-1", "ten", "", "1.5"})
        void aMinimumBelowOneIsRefused(String value) {
            assertError("modulets: bad agent argument canaryMinTasks=" + value + ": must be a whole number of at"
                    + " least 1 (the ended tasks a canary needs before it is judged)",
                    "packages=a,canaryMargin=5%,canaryMinTasks=" + value);
        }

        @Test
        void aMinimumWithoutAMarginIsRefused() {
            assertError("modulets: bad agent argument canaryMinTasks=50: has no effect without canaryMargin=N% or"
                    + " canaryLatency=Fx; give it with one of them", "packages=a,canaryMinTasks=50");
        }
    }

    @Nested
    class ConfigFile {
        Path write(String name, String text) throws IOException {
            return Files.writeString(tmp.resolve(name), text);
        }

        @Test
        void everyKeyIsReadFromTheFile() throws Exception {
            Path modules = Files.createDirectory(tmp.resolve("jobs"));
            Path file = write("modulets.properties", String.join("\n",
                    "# comment",
                    "packages = com.acme.jobs : com.acme.mail",
                    "modules = " + modules,
                    "shared = com.acme.jobs.api",
                    "store = " + tmp.resolve("store"),
                    "watch = false",
                    "jmx = false",
                    "log = warn"));
            AgentOptions options = parse("config=" + file);
            assertEquals(List.of("com.acme.jobs", "com.acme.mail"), options.packages());
            assertEquals(Optional.of(modules), options.modules());
            assertEquals(List.of("com.acme.jobs.api"), options.shared());
            assertEquals(tmp.resolve("store"), options.store());
            assertFalse(options.watch());
            assertFalse(options.jmx());
            assertEquals(LogLevel.WARN, options.log());
            assertEquals(Optional.of(file), options.config());
        }

        @Test
        void commandLineWinsOverTheFile() throws Exception {
            Path file = write("m.properties", "packages=com.acme.jobs\nlog=warn\njmx=false\n");
            AgentOptions options = parse("log=debug,config=" + file + ",packages=com.acme.mail");
            assertEquals(List.of("com.acme.mail"), options.packages());
            assertEquals(LogLevel.DEBUG, options.log());
            assertFalse(options.jmx());
        }

        @Test
        void relativePathsInTheFileAreRelativeToIt() throws Exception {
            Path dir = Files.createDirectory(tmp.resolve("conf"));
            Path modules = Files.createDirectory(dir.resolve("jobs"));
            Path file = Files.writeString(dir.resolve("m.properties"), "modules=jobs\nstore=cache/store\n");
            AgentOptions options = parse("config=" + file);
            assertEquals(Optional.of(modules), options.modules());
            assertEquals(dir.resolve("cache/store"), options.store());
        }

        @Test
        void badValueInTheFileNamesTheFile() throws Exception {
            Path file = write("m.properties", "packages=a\nlog=verbose\n");
            assertError("modulets: bad agent argument log=verbose (from config file " + file
                    + "): must be one of off, error, warn, info, debug", "config=" + file);
        }

        @Test
        void lineBreakInAValueStaysOnOneLine() throws Exception {
            Path file = write("m.properties", "packages=a\nlog=ver\\nbose\n");
            assertError("modulets: bad agent argument log=ver\\nbose (from config file " + file
                    + "): must be one of off, error, warn, info, debug", "config=" + file);
        }

        @Test
        void unknownKeyInTheFileIsRefused() throws Exception {
            Path file = write("m.properties", "packages=a\nwatcher=true\n");
            assertError("modulets: unknown key 'watcher' in config file " + file
                    + " (valid keys: packages, modules, shared, outside, store, retain, watch, quiet, jmx, log,"
                    + " executors, loops, requests, drainWarning, maxGenerations, onLimit, maxEntrySize, maxJarSize,"
                    + " maxEntries, maxRatio, permissions, trust, trustPassword, canary, canaryMargin, canaryMinTasks,"
                    + " canaryLatency, normalExceptions)",
                    "config=" + file);
        }

        @Test
        void configKeyInTheFileIsRefused() throws Exception {
            Path file = write("m.properties", "packages=a\nconfig=other.properties\n");
            assertError("modulets: config file " + file + " cannot name another config file (key 'config';"
                    + " valid keys: packages, modules, shared, outside, store, retain, watch, quiet, jmx, log,"
                    + " executors, loops, requests, drainWarning, maxGenerations, onLimit, maxEntrySize, maxJarSize,"
                    + " maxEntries, maxRatio, permissions, trust, trustPassword, canary, canaryMargin, canaryMinTasks,"
                    + " canaryLatency, normalExceptions)",
                    "config=" + file);
        }

        @Test
        void missingFileIsRefused() {
            Path file = tmp.resolve("missing.properties");
            assertError("modulets: bad agent argument config=" + file + ": cannot read " + file + ": no such file",
                    "packages=a,config=" + file);
        }

        @Test
        void directoryIsRefused() {
            assertError("modulets: bad agent argument config=" + tmp + ": cannot read " + tmp
                    + ": is a directory; give a properties file", "packages=a,config=" + tmp);
        }

        @Test
        void unreadableFileIsRefused() throws Exception {
            assumeFalse(isRoot(), "root reads every file");
            Path file = write("m.properties", "packages=a\n");
            Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("-w-------"));
            assertError("modulets: bad agent argument config=" + file + ": cannot read " + file
                    + ": permission denied", "config=" + file);
        }

        @Test
        void malformedFileIsRefused() throws Exception {
            Path file = write("m.properties", "packages=\\uzzzz\n");
            OptionsException e = assertThrows(OptionsException.class, () -> parse("config=" + file));
            assertTrue(e.getMessage().startsWith("modulets: bad agent argument config=" + file + ": cannot read "
                    + file + ": "), e.getMessage());
            assertOneLine(e);
        }

        @Test
        void nonUtf8FileIsRefused() throws Exception {
            Path file = Files.write(tmp.resolve("m.properties"), new byte[] {'l', 'o', 'g', '=', (byte) 0xff});
            assertError("modulets: bad agent argument config=" + file + ": cannot read " + file + ": not UTF-8 text",
                    "packages=a,config=" + file);
        }

        @Test
        void emptyValueIsRefused() {
            assertError("modulets: bad agent argument config=: empty; give a path", "packages=a,config=");
        }

        @Test
        void fileWithoutPackagesOrModulesHasNothingToSwap() throws Exception {
            Path file = write("m.properties", "log=debug\n");
            assertError("modulets: nothing to swap: give packages=PREFIX[:PREFIX…] or modules=DIR", "config=" + file);
        }

        @Test
        void relativeConfigPathIsRelativeToTheWorkingDirectory() throws Exception {
            Path cwd = Path.of("").toAbsolutePath();
            Path file = Files.createTempFile(cwd.resolve("target"), "modulets", ".properties");
            try {
                Files.writeString(file, "packages=com.acme.jobs\n");
                AgentOptions options = parse("config=" + cwd.relativize(file));
                assertEquals(Optional.of(file), options.config());
                assertEquals(List.of("com.acme.jobs"), options.packages());
            } finally {
                Files.delete(file);
            }
        }
    }

    @Nested
    class Security {
        Path keystore;

        @BeforeEach
        void keystore() throws IOException {
            keystore = Files.writeString(tmp.resolve("trust.p12"), "not really a keystore: parsing comes later");
        }

        @ParameterizedTest
        @CsvSource({"strict, STRICT", "warn, WARN", "WARN, WARN"})
        void permissionsAreStrictOrWarn(String value, Permissions expected) throws Exception {
            assertEquals(expected, parse("packages=a,permissions=" + value).permissions());
        }

        @ParameterizedTest
        @ValueSource(strings = {"off", "loose", ""})
        void otherPermissionsAreRefused(String value) {
            assertError("modulets: bad agent argument permissions=" + value + ": must be strict (a modules directory,"
                    + " jar, store or keystore that other users can write is refused) or warn (log it and go on)",
                    "packages=a,permissions=" + value);
        }

        @Test
        void trustNamesAFile() throws Exception {
            assertEquals(Optional.of(keystore), parse("packages=a,trust=" + keystore).trust());
            assertError("modulets: bad agent argument trust=" + tmp + ": " + tmp + " is not a file; give a PKCS12 or"
                    + " JKS keystore with the signers' certificates", "packages=a,trust=" + tmp);
        }

        @Test
        void passwordFromAFileRelativeToTheConfigFile() throws Exception {
            Path password = Files.writeString(tmp.resolve("pw.txt"), "secret\n");
            Path file = Files.writeString(tmp.resolve("m.properties"), "packages=a\ntrust=trust.p12\n"
                    + "trustPassword=file:pw.txt\n");
            AgentOptions options = parse("config=" + file);
            assertEquals(Optional.of(keystore), options.trust());
            assertEquals(Optional.of(new PasswordSource(password, null)), options.trustPassword());
            assertEquals("file:" + password, options.trustPassword().get().toString());
        }

        @Test
        void passwordFromAnEnvironmentVariable() throws Exception {
            AgentOptions options = parse("packages=a,trust=" + keystore + ",trustPassword=env:MODULETS_TRUST");
            assertEquals(Optional.of(new PasswordSource(null, "MODULETS_TRUST")), options.trustPassword());
            assertTrue(options.toString().contains("trustPassword=env:MODULETS_TRUST"), options.toString());
        }

        @ParameterizedTest
        @ValueSource(strings = {"hunter2", "pass:hunter2", "hunter2:file"})
        void thePasswordItselfIsRefusedWithoutRepeatingIt(String value) {
            OptionsException e = assertThrows(OptionsException.class,
                    () -> parse("packages=a,trust=" + keystore + ",trustPassword=" + value));
            assertEquals("modulets: bad agent argument trustPassword (from the command line): give file:PATH (its first"
                    + " line is the password) or env:NAME (an environment variable); never the password itself, a"
                    + " command line is visible to every user", e.getMessage());
            assertFalse(e.getMessage().contains("hunter2"));
        }

        @Test
        void badFileOrVariableNamesAreRefused() {
            OptionsException file = assertThrows(OptionsException.class,
                    () -> parse("packages=a,trust=" + keystore + ",trustPassword=file:" + tmp.resolve("none")));
            assertTrue(file.getMessage().startsWith("modulets: bad agent argument trustPassword=file:"
                    + tmp.resolve("none") + ": " + tmp.resolve("none") + " is not a file; "), file.getMessage());
            OptionsException env = assertThrows(OptionsException.class,
                    () -> parse("packages=a,trust=" + keystore + ",trustPassword=env:1X"));
            assertTrue(env.getMessage().startsWith("modulets: bad agent argument trustPassword=env:1X: '1X' is not an"
                    + " environment variable name; "), env.getMessage());
        }

        @Test
        void aPasswordWithoutTrustIsRefused() {
            assertError("modulets: bad agent argument trustPassword=env:X: has no effect without trust=KEYSTORE; give"
                    + " both or neither", "packages=a,trustPassword=env:X");
        }

        @Test
        void thePasswordIsTheFirstLineOfTheFileOrTheVariable() throws Exception {
            Path crlf = Files.writeString(tmp.resolve("crlf.txt"), "s3cret\r\nsecond line\n");
            assertEquals("s3cret", new String(new PasswordSource(crlf, null).read(Map.of())));
            Path bare = Files.writeString(tmp.resolve("bare.txt"), "no newline");
            assertEquals("no newline", new String(new PasswordSource(bare, null).read(Map.of())));
            assertEquals("v", new String(new PasswordSource(null, "P").read(Map.of("P", "v"))));
        }

        @Test
        void anEmptyPasswordFileOrAMissingVariableIsAnError() throws Exception {
            Path empty = Files.writeString(tmp.resolve("empty.txt"), "\n");
            IOException e = assertThrows(IOException.class, () -> new PasswordSource(empty, null).read(Map.of()));
            assertEquals("modulets: trustPassword=file:" + empty + ": its first line is empty", e.getMessage());
            IOException v = assertThrows(IOException.class, () -> new PasswordSource(null, "P").read(Map.of()));
            assertEquals("modulets: trustPassword=env:P: the variable is not set", v.getMessage());
        }
    }
}
