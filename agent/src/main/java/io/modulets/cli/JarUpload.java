package io.modulets.cli;

import io.modulets.manage.ManagerMXBean;
import java.io.IOException;
import java.io.InputStream;
import java.lang.reflect.UndeclaredThrowableException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.UUID;
import javax.management.ReflectionException;

/**
 * How the CLI hands a jar to a JVM named by a JMX service URL: as bytes, over the JMX connection it already has
 * ({@code receiveJar} in 1 MiB chunks, then {@code stageJar} with the size and SHA-256 of what was read here),
 * so that a JVM on another host needs no shared file system. The agent returns the path of its staged copy,
 * which the activation then names. A local pid is handed the jar's path instead: it runs on this machine and
 * reads the file itself, held to its permission rule where it lies.
 */
final class JarUpload {
    /** The bytes of one {@code receiveJar} call (the agent takes up to 4 MiB). */
    static final int CHUNK = 1 << 20;

    private JarUpload() {
    }

    /** Sends every jar to {@code manager}; returns the staged paths, in order. A failure is a {@link CliFailure}. */
    static List<String> send(ManagerMXBean manager, List<Path> jars) {
        List<String> staged = new ArrayList<>();
        for (Path jar : jars) {
            staged.add(send(manager, jar));
        }
        return staged;
    }

    private static String send(ManagerMXBean manager, Path jar) {
        String upload = UUID.randomUUID().toString();
        MessageDigest digest = sha256();
        long size = 0;
        try (InputStream in = Files.newInputStream(jar)) {
            byte[] buffer = new byte[CHUNK];
            while (true) { // one call at least: offset 0 starts the upload, even of an empty file
                int n = in.readNBytes(buffer, 0, CHUNK);
                digest.update(buffer, 0, n);
                receive(manager, upload, size, n == CHUNK ? buffer : Arrays.copyOf(buffer, n));
                size += n;
                if (n < CHUNK) {
                    break;
                }
            }
        } catch (IOException e) {
            throw new CliFailure("cannot read " + jar + ": " + Errors.oneLine(e), e);
        }
        return manager.stageJar(upload, jar.getFileName().toString(), size, HexFormat.of().formatHex(digest.digest()));
    }

    /**
     * One chunk. An agent older than the operation has no {@code receiveJar}: JMX says "No such operation",
     * which is said here as what it means.
     */
    private static void receive(ManagerMXBean manager, String upload, long offset, byte[] chunk) {
        try {
            manager.receiveJar(upload, offset, chunk);
        } catch (UndeclaredThrowableException e) {
            if (e.getCause() instanceof ReflectionException) {
                throw new CliFailure("the agent (version " + version(manager) + ") cannot receive a jar over JMX: it"
                        + " predates receiveJar; upgrade it, or run this command on its host and give the pid", e);
            }
            throw e;
        }
    }

    private static String version(ManagerMXBean manager) {
        try {
            return manager.getAgentVersion();
        } catch (RuntimeException e) {
            return "unknown";
        }
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is required of every Java platform", e);
        }
    }
}
