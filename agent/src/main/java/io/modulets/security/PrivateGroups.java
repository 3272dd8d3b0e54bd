package io.modulets.security;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
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
    private List<String> groupLines; // null until a question needs them (ofThisMachine)
    private List<String> passwdLines;

    PrivateGroups(List<String> groupLines, List<String> passwdLines) {
        this.groupLines = groupLines;
        this.passwdLines = passwdLines;
    }

    /**
     * This machine's account files, read once, when a group-writable path first asks (most starts never do);
     * missing or unreadable files make no group private.
     */
    static PrivateGroups ofThisMachine() {
        return new PrivateGroups(null, null);
    }

    /**
     * The file's lines, without {@code Files.readAllLines}: its reader and charset decoder were about 30 classes
     * loaded at every start (docs/PERFORMANCE.md, start-up). Account files are ASCII or UTF-8.
     */
    static List<String> lines(Path file) {
        try {
            String text = new String(Files.readAllBytes(file), StandardCharsets.UTF_8);
            List<String> lines = new ArrayList<>();
            int start = 0;
            while (start < text.length()) {
                int end = text.indexOf('\n', start);
                if (end < 0) {
                    end = text.length();
                }
                lines.add(text.substring(start, end > start && text.charAt(end - 1) == '\r' ? end - 1 : end));
                start = end + 1;
            }
            return lines;
        } catch (IOException | RuntimeException e) {
            return List.of();
        }
    }

    /** Whether a question has read this machine's account files (tests). */
    synchronized boolean accountFilesRead() {
        return groupLines != null;
    }

    /** Whether {@code group} is {@code owner}'s private group. */
    boolean isPrivate(String group, String owner) {
        if (!group.equals(owner)) {
            return false;
        }
        List<String> groupLines;
        List<String> passwdLines;
        synchronized (this) {
            if (this.groupLines == null) {
                this.groupLines = lines(Path.of("/etc/group"));
                this.passwdLines = lines(Path.of("/etc/passwd"));
            }
            groupLines = this.groupLines;
            passwdLines = this.passwdLines;
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
