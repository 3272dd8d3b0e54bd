package io.modulets.loader;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.jar.JarFile;
import java.util.jar.Manifest;

/**
 * The main class the launcher is about to load, read before it does so: from
 * {@code sun.java.command} ({@code com.acme.Server args}), or with {@code -jar} from that jar's
 * {@code Main-Class} — for a Spring Boot executable jar, whose {@code Main-Class} is Spring Boot's
 * launcher, its {@code Start-Class}, the application's main that the launcher loads. Empty when it
 * cannot be told: a module's main class ({@code -m mod/Main}), the source launcher, an embedding
 * launcher that sets no command.
 */
public final class LaunchedMain {
    private LaunchedMain() {
    }

    /**
     * @param command   the value of {@code sun.java.command}, or null
     * @param classPath the class path less the agent jar: with {@code -jar} it is that jar alone
     */
    public static Optional<String> of(String command, List<Path> classPath) {
        if (command == null || command.isBlank()) {
            return Optional.empty();
        }
        if (classPath.size() == 1) {
            Path jar = classPath.get(0);
            String given = jar.toString();
            // -jar: the command is the jar as given, then the arguments (a path may hold spaces).
            if (given.endsWith(".jar") && (command.equals(given) || command.startsWith(given + " "))) {
                return mainOf(jar);
            }
        }
        String first = firstWord(command.strip());
        return first.contains("/") || first.endsWith(".java") ? Optional.empty() : Optional.of(first);
    }

    /** {@code text} up to its first white space ({@code \\s}), without a regular expression: premain compiles none. */
    private static String firstWord(String text) {
        for (int i = 0; i < text.length(); i++) {
            if (" \t\n\u000B\f\r".indexOf(text.charAt(i)) >= 0) {
                return text.substring(0, i);
            }
        }
        return text;
    }

    private static Optional<String> mainOf(Path jar) {
        if (!Files.isRegularFile(jar)) {
            return Optional.empty();
        }
        try (JarFile file = new JarFile(jar.toFile())) {
            Manifest manifest = file.getManifest();
            String main = manifest == null ? null : manifest.getMainAttributes().getValue("Main-Class");
            if (main == null || main.isBlank()) {
                return Optional.empty();
            }
            String start = manifest.getMainAttributes().getValue("Start-Class");
            boolean springBoot = main.strip().startsWith("org.springframework.boot.loader.");
            return Optional.of(springBoot && start != null && !start.isBlank() ? start.strip() : main.strip());
        } catch (IOException e) {
            return Optional.empty(); // the launcher will say what is wrong with the jar
        }
    }
}
