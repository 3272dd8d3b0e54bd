package io.modulets.it;

import java.io.IOException;
import java.nio.file.Path;

import io.modulets.testkit.JarBuilder;

/**
 * The child program of {@link JmxIT} and {@link JfrIT} ({@code apps/jmx/}): the shell {@code jx}, the
 * swappable {@code jx.mod.Version} in versions 1 and 2, and the library {@code ext}.
 */
record JxApp(Path shellJar, Path extraJar, Path v1, Path v2) {

    static JxApp build(Path dir) throws IOException {
        Path extraJar = new JarBuilder()
                .source("ext.Extra", "package ext; public class Extra { public static String hello() { return \"hello\"; } }")
                .build(dir.resolve("extra.jar"));
        Path v1 = version(dir, 1);
        Path v2 = version(dir, 2);
        Path shellJar = new JarBuilder().classpath(v1, extraJar)
                .source("jx.Main", JmxIT.read("shell/jx/Main.java"))
                .source("jx.UsesExtra", JmxIT.read("shell/jx/UsesExtra.java"))
                .source("jx.util.Helper", JmxIT.read("shell/jx/util/Helper.java"))
                .build(dir.resolve("shell.jar"));
        return new JxApp(shellJar, extraJar, v1, v2);
    }

    private static Path version(Path dir, int n) throws IOException {
        return new JarBuilder()
                .source("jx.mod.Version", "package jx.mod; public class Version { public static int get() { return "
                        + n + "; } }")
                .manifest("Implementation-Version", n + ".0")
                .build(dir.resolve("mod-" + n + ".jar"));
    }
}
