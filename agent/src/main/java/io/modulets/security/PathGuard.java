package io.modulets.security;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;

import io.modulets.config.Log;
import io.modulets.config.Permissions;

/**
 * Applies {@link FilePermissions} the way {@code permissions=} says: {@code strict} refuses a path
 * with one line (the caller stops the JVM or refuses the deploy), {@code warn} logs the same line and
 * goes on. A path on a file system without POSIX permissions is let through with one warning.
 */
public final class PathGuard {
    /** Checks nothing: for a deployer built without the agent's startup (tests). */
    public static final PathGuard NONE = new PathGuard(null, false);

    private static final Set<PosixFilePermission> OTHERS_READ = Set.of(
            PosixFilePermission.GROUP_READ, PosixFilePermission.OTHERS_READ);

    private final FilePermissions rule;
    private final boolean strict;
    private final AtomicBoolean toldUnchecked = new AtomicBoolean();

    PathGuard(FilePermissions rule, boolean strict) {
        this.rule = rule;
        this.strict = strict;
    }

    /** The guard for {@code permissions=mode}; with {@code warn}, a JVM user that cannot be told is a warning. */
    public static PathGuard of(Permissions mode) throws IOException {
        try {
            return new PathGuard(FilePermissions.forThisUser(), mode == Permissions.STRICT);
        } catch (IOException e) {
            if (mode == Permissions.STRICT) throw e;
            Log.warn("%s (permissions=warn: no path is checked)", e.getMessage().replaceFirst("^modulets: ", ""));
            return NONE;
        }
    }

    /** Refuses (or warns about) {@code path} if other users can change it; see {@link FilePermissions}. */
    public void check(Path path) throws IOException {
        if (rule == null) return;
        if (FilePermissions.unchecked(path)) {
            if (toldUnchecked.compareAndSet(false, true)) {
                Log.warn("cannot check who may write %s: its file system has no POSIX owners and permissions", path);
            }
            return;
        }
        report(rule.problem(path));
    }

    /** As {@link #check}, and a password file must not be readable by its group or others either (as ssh's keys). */
    public void checkSecret(Path file) throws IOException {
        check(file);
        if (rule == null || FilePermissions.unchecked(file)) return;
        Set<PosixFilePermission> permissions = Files.getPosixFilePermissions(file);
        if (permissions.stream().anyMatch(OTHERS_READ::contains)) {
            report(Optional.of(file + " is readable by other users (" + PosixFilePermissions.toString(permissions)
                    + ") and holds a password; run chmod go-rwx " + file));
        }
    }

    private void report(Optional<String> problem) throws IOException {
        if (problem.isEmpty()) return;
        if (strict) throw new IOException("modulets: " + problem.get() + " (or give permissions=warn)");
        Log.warn("%s (permissions=warn: going on)", problem.get());
    }
}
