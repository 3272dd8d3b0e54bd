package io.modulets.security;

import java.io.IOException;
import java.nio.file.FileSystem;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFileAttributes;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.nio.file.attribute.UserPrincipal;
import java.util.LinkedHashSet;
import java.util.Optional;
import java.util.Set;

/**
 * The ssh-like rule for files whose content becomes code (a modules directory, its jars, the store,
 * the trust keystore and its password file): a path other users can change is refused.
 *
 * <p>The rule, exactly: every existing component of the path — from the root down to the path
 * itself, once as written (a symbolic link's own owner counts: whoever owns a link can point it
 * elsewhere) and once with every link resolved ({@link Path#toRealPath}) — must be owned by the
 * JVM's user or by root, and must not be writable by its group or by others. One exception, as
 * for {@code /tmp}: a directory above the path with the sticky bit (others may add entries there
 * but not rename or delete ours). The path itself never gets that exception. Another: group write
 * where the group is the owner's private group ({@link PrivateGroups}: umask 002). Permissions of a
 * symbolic link itself mean nothing and are not read.
 *
 * <p>A file system without POSIX owners and permissions (Windows, FAT) cannot be checked:
 * {@link #problem} returns empty and {@link #unchecked} says so.
 */
public final class FilePermissions {
    private static final Set<PosixFilePermission> OTHERS_WRITE = Set.of(
            PosixFilePermission.GROUP_WRITE, PosixFilePermission.OTHERS_WRITE);
    private static final int STICKY = 01000;

    private final UserPrincipal me;
    private final PrivateGroups privateGroups;

    private FilePermissions(UserPrincipal me, PrivateGroups privateGroups) {
        this.me = me;
        this.privateGroups = privateGroups;
    }

    /** The rule for the JVM's user ({@code user.name}; where that has no account, the owner of {@code /proc/self}). */
    public static FilePermissions forThisUser() throws IOException {
        FileSystem fs = Path.of("").getFileSystem();
        try {
            return new FilePermissions(fs.getUserPrincipalLookupService()
                    .lookupPrincipalByName(System.getProperty("user.name")), PrivateGroups.ofThisMachine());
        } catch (IOException | UnsupportedOperationException e) {
            Path self = Path.of("/proc/self");
            if (Files.exists(self)) return new FilePermissions(Files.getOwner(self), PrivateGroups.ofThisMachine());
            throw new IOException("modulets: cannot tell which user runs this JVM (user.name="
                    + System.getProperty("user.name") + " has no account); give permissions=warn", e);
        }
    }

    /** For tests: the rule as seen by {@code user}. */
    static FilePermissions forUser(UserPrincipal user, PrivateGroups privateGroups) {
        return new FilePermissions(user, privateGroups);
    }

    /** Whether {@code path}'s file system has no POSIX owners and permissions, so the rule cannot be checked. */
    public static boolean unchecked(Path path) {
        return !path.getFileSystem().supportedFileAttributeViews().contains("posix");
    }

    /**
     * The first violation of the rule on {@code path} (which need not exist: its existing ancestors
     * are checked), as the reason and the fix without the {@code "modulets: "} prefix, e.g.
     * {@code "/srv/jobs is writable by its group (rwxrwxr-x): other users could change the code;
     * run chmod g-w /srv/jobs"}; empty if it passes or cannot be checked.
     */
    public Optional<String> problem(Path path) {
        if (unchecked(path)) return Optional.empty();
        Path absolute = path.toAbsolutePath().normalize();
        Optional<String> asWritten = chain(absolute);
        if (asWritten.isPresent()) return asWritten;
        Path real = existingRealPath(absolute);
        return real == null || real.equals(absolute) ? Optional.empty() : chain(real);
    }

    /** Checks every existing component of {@code path} from the root down; {@code path} is absolute. */
    private Optional<String> chain(Path path) {
        Path current = path.getRoot();
        Optional<String> problem = component(current, path);
        for (Path name : path) {
            if (problem.isPresent()) return problem;
            current = current.resolve(name);
            if (!Files.exists(current, LinkOption.NOFOLLOW_LINKS)) return Optional.empty();
            problem = component(current, path);
        }
        return problem;
    }

    private Optional<String> component(Path p, Path target) {
        PosixFileAttributes attributes;
        try {
            attributes = Files.readAttributes(p, PosixFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
        } catch (NoSuchFileException e) {
            return Optional.empty(); // gone meanwhile: what is checked next reads what is there
        } catch (IOException | UnsupportedOperationException e) {
            return Optional.of("cannot read the owner and permissions of " + p + " (" + e + ")");
        }
        UserPrincipal owner = attributes.owner();
        if (!owner.equals(me) && !isRoot(p, owner)) {
            return Optional.of(p + " is owned by " + owner.getName() + ", not by " + me.getName()
                    + " (the JVM's user) or root: that user could change the code; run chown " + me.getName()
                    + " " + p);
        }
        if (attributes.isSymbolicLink()) return Optional.empty();
        Set<PosixFilePermission> loose = new LinkedHashSet<>(attributes.permissions());
        loose.retainAll(OTHERS_WRITE);
        if (loose.isEmpty()) return Optional.empty();
        if (!p.equals(target) && attributes.isDirectory() && sticky(p)) return Optional.empty();
        // Asked last, and only of a group-writable path: the first question reads the account files (most starts
        // never ask; /tmp, sticky, did at every start)
        if (loose.contains(PosixFilePermission.GROUP_WRITE)
                && privateGroups.isPrivate(attributes.group().getName(), owner.getName())) {
            loose.remove(PosixFilePermission.GROUP_WRITE); // umask 002 with a group of one's own
        }
        if (loose.isEmpty()) return Optional.empty();
        String who = loose.size() == 2 ? "its group and by others" : loose.contains(PosixFilePermission.GROUP_WRITE)
                ? "its group" : "others";
        String chmod = loose.size() == 2 ? "go-w" : loose.contains(PosixFilePermission.GROUP_WRITE) ? "g-w" : "o-w";
        return Optional.of(p + " is writable by " + who + " (" + PosixFilePermissions.toString(attributes.permissions())
                + "): other users could change the code; run chmod " + chmod + " " + p);
    }

    /** Root is uid 0 where the file system says so ({@code unix:uid}), else the name {@code root}. */
    private static boolean isRoot(Path p, UserPrincipal owner) {
        try {
            Object uid = Files.getAttribute(p, "unix:uid", LinkOption.NOFOLLOW_LINKS);
            return uid instanceof Integer i && i == 0;
        } catch (IOException | UnsupportedOperationException | IllegalArgumentException e) {
            return owner.getName().equals("root");
        }
    }

    /** The sticky bit is not among {@link PosixFilePermission}s; {@code unix:mode} has it where supported. */
    private static boolean sticky(Path dir) {
        try {
            Object mode = Files.getAttribute(dir, "unix:mode", LinkOption.NOFOLLOW_LINKS);
            return mode instanceof Integer m && (m & STICKY) != 0;
        } catch (IOException | UnsupportedOperationException | IllegalArgumentException e) {
            return false;
        }
    }

    /** The real path of {@code path}, or of its nearest existing ancestor with the rest appended. */
    private static Path existingRealPath(Path path) {
        Path rest = path.getFileSystem().getPath("");
        for (Path p = path; p != null; p = p.getParent()) {
            try {
                return p.toRealPath().resolve(rest);
            } catch (IOException e) {
                if (p.getFileName() == null) return null;
                rest = p.getFileName().resolve(rest);
            }
        }
        return null;
    }
}
