package io.modulets.testing;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import javax.tools.JavaCompiler;
import javax.tools.ToolProvider;

/** Compiles Java sources given as strings into a class directory, for tests. */
public final class Compiler {
    private Compiler() {
    }

    /** @param sources class name → source; @param classPath directories or jars to compile against */
    public static Path compile(Path into, Map<String, String> sources, Path... classPath) throws IOException {
        Path src = Files.createTempDirectory(into.getParent(), "src");
        List<String> args = new ArrayList<>(List.of("-d", into.toString(), "--release", "17", "-nowarn"));
        if (classPath.length > 0) {
            StringBuilder cp = new StringBuilder();
            for (Path p : classPath) {
                cp.append(cp.length() == 0 ? "" : File.pathSeparator).append(p);
            }
            args.add("-cp");
            args.add(cp.toString());
        }
        for (Map.Entry<String, String> source : sources.entrySet()) {
            Path file = src.resolve(source.getKey().replace('.', '/') + ".java");
            Files.createDirectories(file.getParent());
            Files.writeString(file, source.getValue());
            args.add(file.toString());
        }
        Files.createDirectories(into);
        JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
        int status = javac.run(null, null, null, args.toArray(new String[0]));
        if (status != 0) {
            throw new IllegalStateException("javac failed: " + args);
        }
        return into;
    }
}
