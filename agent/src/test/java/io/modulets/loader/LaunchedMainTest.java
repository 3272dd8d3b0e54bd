package io.modulets.loader;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.jar.Attributes;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LaunchedMainTest {
    @TempDir
    Path dir;

    @Test
    void aMainClassIsTheCommandsFirstWord() {
        assertEquals(Optional.of("com.acme.Server"),
                LaunchedMain.of("com.acme.Server 8080 --verbose", List.of(Path.of("a.jar"), Path.of("b.jar"))));
        assertEquals(Optional.of("com.acme.Server"), LaunchedMain.of("com.acme.Server", List.of(Path.of("a.jar"))));
    }

    @Test
    void withDashJarItIsTheJarsMainClass() throws IOException {
        Path jar = jar(dir.resolve("my app.jar"), "com.acme.Server");
        assertEquals(Optional.of("com.acme.Server"), LaunchedMain.of(jar + " 8080", List.of(jar)));
        assertEquals(Optional.of("com.acme.Server"), LaunchedMain.of(jar.toString(), List.of(jar)));
    }

    @Test
    void aSpringBootJarsMainIsItsStartClass() throws IOException {
        Path jar = jar(dir.resolve("boot.jar"), "org.springframework.boot.loader.launch.JarLauncher", "com.acme.App");
        assertEquals(Optional.of("com.acme.App"), LaunchedMain.of(jar.toString(), List.of(jar)));
        Path other = jar(dir.resolve("other.jar"), "com.acme.Launcher", "com.acme.App");
        assertEquals(Optional.of("com.acme.Launcher"), LaunchedMain.of(other.toString(), List.of(other)),
                "Start-Class means something only to Spring Boot's launcher");
    }

    @Test
    void unknownWhereItCannotBeTold() throws IOException {
        Path noMain = jar(dir.resolve("lib.jar"), null);
        assertEquals(Optional.empty(), LaunchedMain.of(noMain.toString(), List.of(noMain)), "no Main-Class");
        assertEquals(Optional.empty(), LaunchedMain.of("com.acme/com.acme.Server", List.of()), "a module's main");
        assertEquals(Optional.empty(), LaunchedMain.of("Hello.java", List.of()), "the source launcher");
        assertEquals(Optional.empty(), LaunchedMain.of(null, List.of()), "no command");
        assertEquals(Optional.empty(), LaunchedMain.of(" ", List.of()), "no command");
    }

    private static Path jar(Path path, String mainClass) throws IOException {
        return jar(path, mainClass, null);
    }

    private static Path jar(Path path, String mainClass, String startClass) throws IOException {
        Manifest manifest = new Manifest();
        manifest.getMainAttributes().put(Attributes.Name.MANIFEST_VERSION, "1.0");
        if (mainClass != null) {
            manifest.getMainAttributes().put(Attributes.Name.MAIN_CLASS, mainClass);
        }
        if (startClass != null) {
            manifest.getMainAttributes().putValue("Start-Class", startClass);
        }
        try (OutputStream out = Files.newOutputStream(path); JarOutputStream zip = new JarOutputStream(out, manifest)) {
            zip.flush();
        }
        return path;
    }
}
