package io.modulets.security;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFileAttributes;
import java.nio.file.attribute.PosixFilePermissions;
import java.nio.file.attribute.UserPrincipal;
import java.util.List;
import java.util.Optional;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.modulets.config.Permissions;

/** The ssh-like permission rule, on real files (POSIX file systems only). */
class FilePermissionsTest {
    @TempDir
    Path tmp;
    Path dir;
    FilePermissions rule;

    @BeforeEach
    void setUp() throws IOException {
        assumeTrue(!FilePermissions.unchecked(tmp), "a POSIX file system");
        // No group is private here, whatever this machine's accounts say; aGroupOfTheOwnersOwnMayWrite tests them.
        rule = FilePermissions.forUser(me(), new PrivateGroups(List.of(), List.of()));
        dir = Files.createDirectory(tmp.resolve("modules"));
        chmod(tmp, "rwx------"); // @TempDir's own mode depends on the umask
        chmod(dir, "rwxr-xr-x");
    }

    @Test
    void ownerOnlyWritablePathsPassUnderAStickyDirectory() throws IOException {
        // The temp directory lies under /tmp (or another directory): its ancestors pass too.
        Path jar = jar("a.jar", "rw-r--r--");
        assertEquals(Optional.empty(), rule.problem(jar));
        assertEquals(Optional.empty(), rule.problem(dir));
    }

    @Test
    void pathsNoGroupMayWriteDoNotReadTheAccountFiles() throws IOException {
        // /tmp above the temp directory is group-writable too, but sticky: it was asked at every start
        PrivateGroups accounts = PrivateGroups.ofThisMachine();
        FilePermissions machine = FilePermissions.forUser(me(), accounts);
        assertEquals(Optional.empty(), machine.problem(jar("a.jar", "rw-r--r--")));
        assertFalse(accounts.accountFilesRead());
        chmod(dir, "rwxrwxr-x");
        machine.problem(dir);
        String group = Files.readAttributes(dir, PosixFileAttributes.class).group().getName();
        assertEquals(group.equals(me().getName()), accounts.accountFilesRead(),
                "a group-writable path whose group has its owner's name asks");
    }

    @Test
    void aGroupWritableDirectoryIsRefusedForItsJarsToo() throws IOException {
        Path jar = jar("a.jar", "rw-r--r--");
        chmod(dir, "rwxrwxr-x");
        String line = dir + " is writable by its group (rwxrwxr-x): other users could change the code; run chmod g-w "
                + dir;
        assertEquals(Optional.of(line), rule.problem(dir));
        assertEquals(Optional.of(line), rule.problem(jar));
    }

    @Test
    void aGroupOfTheOwnersOwnMayWrite() throws IOException {
        Path jar = jar("a.jar", "rw-rw-r--");
        chmod(dir, "rwxrwxr-x");
        String group = Files.readAttributes(dir, PosixFileAttributes.class).group().getName();
        assumeTrue(group.equals(me().getName()), "files get a group named as their owner (user private groups)");
        FilePermissions upg = FilePermissions.forUser(me(), new PrivateGroups(List.of(group + ":x:4242:"),
                List.of(group + ":x:4242:4242::/home/" + group + ":/bin/sh")));
        assertEquals(Optional.empty(), upg.problem(jar));
        chmod(jar, "rw-rw-rw-");
        assertTrue(upg.problem(jar).orElseThrow().startsWith(jar + " is writable by others (rw-rw-rw-)"));
    }

    @Test
    void aWorldWritableJarIsRefused() throws IOException {
        Path jar = jar("a.jar", "rw-r--rw-");
        assertEquals(Optional.of(jar + " is writable by others (rw-r--rw-): other users could change the code; run"
                + " chmod o-w " + jar), rule.problem(jar));
        chmod(jar, "rw-rw-rw-");
        assertEquals(Optional.of(jar + " is writable by its group and by others (rw-rw-rw-): other users could change"
                + " the code; run chmod go-w " + jar), rule.problem(jar));
    }

    @Test
    void aStickyDirectoryIsFineAboveThePathButNotAsThePathItself() throws IOException {
        Path sticky = Files.createDirectory(tmp.resolve("shared"));
        Files.setAttribute(sticky, "unix:mode", 01777);
        Path inside = Files.createDirectory(sticky.resolve("modules"));
        chmod(inside, "rwxr-xr-x");
        assertEquals(Optional.empty(), rule.problem(inside));
        assertTrue(rule.problem(sticky).orElseThrow().startsWith(sticky + " is writable by its group and by others"));
    }

    @Test
    void aSymlinkIsResolvedAndItsTargetChecked() throws IOException {
        Path release = Files.createDirectory(tmp.resolve("release"));
        chmod(release, "rwxrwxrwx");
        Path link = Files.createSymbolicLink(tmp.resolve("current"), release);
        Path jar = Files.writeString(release.resolve("a.jar"), "x");
        chmod(jar, "rw-r--r--");
        assertEquals(Optional.of(release + " is writable by its group and by others (rwxrwxrwx): other users could"
                + " change the code; run chmod go-w " + release), rule.problem(link.resolve("a.jar")));
    }

    @Test
    void aPathNotYetThereIsJudgedByItsExistingAncestors() throws IOException {
        assertEquals(Optional.empty(), rule.problem(dir.resolve("store/new")));
        chmod(dir, "rwxrwxrwx");
        assertTrue(rule.problem(dir.resolve("store/new")).orElseThrow().startsWith(dir + " is writable by"));
    }

    @Test
    void aPathOwnedByAnotherUserIsRefused() throws IOException {
        UserPrincipal nobody;
        try {
            nobody = tmp.getFileSystem().getUserPrincipalLookupService().lookupPrincipalByName("nobody");
        } catch (IOException e) {
            nobody = null;
        }
        assumeTrue(nobody != null && System.getProperty("user.name").equals("root"), "root, to give a file away");
        Path jar = jar("a.jar", "rw-r--r--");
        Files.setOwner(jar, nobody);
        assertEquals(Optional.of(jar + " is owned by nobody, not by root (the JVM's user) or root: that user could"
                + " change the code; run chown root " + jar), rule.problem(jar));
        // As seen by nobody, a root-owned directory is fine and its own file too.
        assertEquals(Optional.empty(), FilePermissions.forUser(nobody, new PrivateGroups(List.of(), List.of())).problem(jar));
    }

    @Test
    void strictRefusesInOneLineAndWarnGoesOn() throws IOException {
        Path jar = jar("a.jar", "rw-r--rw-");
        IOException e = assertThrows(IOException.class, () -> PathGuard.of(Permissions.STRICT).check(jar));
        assertEquals("modulets: " + jar + " is writable by others (rw-r--rw-): other users could change the code;"
                + " run chmod o-w " + jar + " (or give permissions=warn)", e.getMessage());
        PathGuard.of(Permissions.WARN).check(jar); // logs, does not throw
    }

    @Test
    void aPasswordFileMustNotBeReadableByOthers() throws IOException {
        Path password = jar("pw.txt", "rw-r-----");
        IOException e = assertThrows(IOException.class, () -> PathGuard.of(Permissions.STRICT).checkSecret(password));
        assertEquals("modulets: " + password + " is readable by other users (rw-r-----) and holds a password; run"
                + " chmod go-rwx " + password + " (or give permissions=warn)", e.getMessage());
        chmod(password, "rw-------");
        PathGuard.of(Permissions.STRICT).checkSecret(password);
    }

    private UserPrincipal me() throws IOException {
        return tmp.getFileSystem().getUserPrincipalLookupService().lookupPrincipalByName(System.getProperty("user.name"));
    }

    private Path jar(String name, String mode) throws IOException {
        Path jar = Files.writeString(dir.resolve(name), "x");
        chmod(jar, mode);
        return jar;
    }

    private static void chmod(Path p, String mode) throws IOException {
        Files.setPosixFilePermissions(p, PosixFilePermissions.fromString(mode));
        assertEquals(mode, PosixFilePermissions.toString(Files.getPosixFilePermissions(p, LinkOption.NOFOLLOW_LINKS)));
    }
}
