package deploy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;

/**
 * How the kubelet writes a ConfigMap, Secret, downward-API or projected volume: its AtomicWriter
 * (pkg/volume/util/atomic_writer.go, Write), step by step, for keys without a '/'. The files live in a
 * timestamped directory {@code ..2026_12_05_21_30_00.123456789}; {@code ..data} is a symlink to it, swapped by
 * renaming a new symlink {@code ..data_tmp} over it; each key's name is a symlink to {@code ..data/name}.
 */
final class Kubelet {
    private static final DateTimeFormatter TIMESTAMP =
            DateTimeFormatter.ofPattern("'..'yyyy_MM_dd_HH_mm_ss.").withZone(ZoneOffset.UTC);

    private Kubelet() {
    }

    /** Projects {@code payload} (key → the file whose bytes it gets) into {@code target}, as Write does. */
    static void write(Path target, Map<String, Path> payload) throws IOException {
        // (2) the current timestamped directory, read from the ..data link
        Path data = target.resolve("..data");
        String oldTsDir = Files.isSymbolicLink(data) ? Files.readSymbolicLink(data).toString() : "";
        Path oldTsPath = target.resolve(oldTsDir);
        Set<String> pathsToRemove = new HashSet<>();
        boolean shouldWrite = true;
        if (!oldTsDir.isEmpty()) {
            // (3) what the old version holds that the payload no longer does
            try (Stream<Path> old = Files.list(oldTsPath)) {
                old.map(p -> p.getFileName().toString()).filter(n -> !payload.containsKey(n))
                        .forEach(pathsToRemove::add);
            }
            // (4) no file differs and none goes: no new directory, no swap (only the links are made sure of)
            if (!differs(payload, oldTsPath) && pathsToRemove.isEmpty()) {
                shouldWrite = false;
                oldTsDir = "";
            }
        }
        if (shouldWrite) {
            // (5) os.MkdirTemp(target, "..2006_01_02_15_04_05."): the prefix and a random number, mode 0755
            Path tsDir = Files.createTempDirectory(target, TIMESTAMP.format(Instant.now()));
            Files.setPosixFilePermissions(tsDir, PosixFilePermissions.fromString("rwxr-xr-x"));
            // (6) the payload
            for (Map.Entry<String, Path> file : payload.entrySet()) {
                Files.copy(file.getValue(), tsDir.resolve(file.getKey()));
            }
            // (8) ..data_tmp -> the new directory's name, then (9) renamed over ..data: rename(2), atomic
            Path dataTmp = Files.createSymbolicLink(target.resolve("..data_tmp"), tsDir.getFileName());
            Files.move(dataTmp, data, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        }
        // (10) each key's user-visible link, where there is none yet
        for (String name : payload.keySet()) {
            Path visible = target.resolve(name);
            if (!Files.exists(visible, LinkOption.NOFOLLOW_LINKS)) {
                Files.createSymbolicLink(visible, Path.of("..data", name));
            }
        }
        // (11) the links of the keys that went, (12) the previous timestamped directory
        for (String name : pathsToRemove) {
            Files.delete(target.resolve(name));
        }
        if (!oldTsDir.isEmpty()) {
            try (Stream<Path> old = Files.walk(oldTsPath)) {
                for (Path p : old.sorted(Comparator.reverseOrder()).toList()) {
                    Files.delete(p);
                }
            }
        }
    }

    private static boolean differs(Map<String, Path> payload, Path oldTsPath) throws IOException {
        for (Map.Entry<String, Path> file : payload.entrySet()) {
            Path old = oldTsPath.resolve(file.getKey());
            if (!Files.exists(old, LinkOption.NOFOLLOW_LINKS)
                    || !Arrays.equals(Files.readAllBytes(old), Files.readAllBytes(file.getValue()))) {
                return true;
            }
        }
        return false;
    }
}
