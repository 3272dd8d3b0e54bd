package io.modulets.security;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * User private groups (Debian, Ubuntu, Fedora: each user has a group of their own name and umask
 * 002): a file writable by such a group is writable by its owner alone, so the permission rule lets
 * it pass, as Debian's OpenSSH does for keys. A group counts as private only if it has the owner's
 * name, {@code /etc/group} lists no member but the owner, and no other account in {@code /etc/passwd}
 * has it as its primary group. A group these files do not show (LDAP, NIS) is not private: the rule
 * then refuses, which {@code chmod g-w} or {@code permissions=warn} settles.
 */
final class PrivateGroups {
    private final List<String> groupLines;
    private final List<String> passwdLines;

    PrivateGroups(List<String> groupLines, List<String> passwdLines) {
        this.groupLines = groupLines;
        this.passwdLines = passwdLines;
    }

    /** This machine's account files, read once; missing or unreadable files make no group private. */
    static PrivateGroups ofThisMachine() {
        return new PrivateGroups(lines(Path.of("/etc/group")), lines(Path.of("/etc/passwd")));
    }

    private static List<String> lines(Path file) {
        try {
            return Files.readAllLines(file);
        } catch (IOException | RuntimeException e) {
            return List.of();
        }
    }

    /** Whether {@code group} is {@code owner}'s private group. */
    boolean isPrivate(String group, String owner) {
        if (!group.equals(owner)) {
            return false;
        }
        String gid = null;
        for (String line : groupLines) {
            String[] f = line.split(":", -1); // name:password:gid:member,member
            if (f.length >= 4 && f[0].equals(group)) {
                for (String member : f[3].split(",")) {
                    if (!member.isBlank() && !member.trim().equals(owner)) {
                        return false;
                    }
                }
                gid = f[2];
                break;
            }
        }
        if (gid == null) {
            return false;
        }
        for (String line : passwdLines) {
            String[] f = line.split(":", -1); // name:password:uid:gid:…
            if (f.length >= 4 && f[3].equals(gid) && !f[0].equals(owner)) {
                return false;
            }
        }
        return true;
    }
}
