package io.modulets.security;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Which groups count as a user's own (Debian's OpenSSH rule for user private groups). */
class PrivateGroupsTest {
    private static final List<String> PASSWD = List.of(
            "root:x:0:0:root:/root:/bin/bash",
            "alice:x:1000:1000:Alice:/home/alice:/bin/bash",
            "bob:x:1001:1001:Bob:/home/bob:/bin/bash",
            "carol:x:1002:1000:Carol:/home/carol:/bin/bash");

    @Test
    void aGroupNamedAsItsOnlyMemberIsPrivate() {
        PrivateGroups groups = new PrivateGroups(List.of("bob:x:1001:", "staff:x:50:bob"), PASSWD);
        assertTrue(groups.isPrivate("bob", "bob"));
        assertFalse(groups.isPrivate("staff", "bob"), "another name");
        assertFalse(groups.isPrivate("bob", "alice"), "someone else's group");
    }

    @Test
    void aGroupWithAnotherMemberOrPrimaryUserIsNot() {
        assertFalse(new PrivateGroups(List.of("bob:x:1001:bob,dave"), PASSWD).isPrivate("bob", "bob"), "dave is in it");
        assertTrue(new PrivateGroups(List.of("bob:x:1001:bob"), PASSWD).isPrivate("bob", "bob"), "bob alone");
        assertFalse(new PrivateGroups(List.of("alice:x:1000:"), PASSWD).isPrivate("alice", "alice"),
                "carol's primary group is alice's");
    }

    @Test
    void aGroupTheFilesDoNotShowIsNot() {
        assertFalse(new PrivateGroups(List.of(), PASSWD).isPrivate("bob", "bob"), "LDAP or NIS: unknown");
    }

    @Test
    void anAccountFileReadsAsItsLines(@TempDir Path dir) throws IOException {
        Path file = dir.resolve("group");
        Files.write(file, "root:x:0:\nbob:x:1001:\r\n\nstaff:x:50:bob,ünë".getBytes(StandardCharsets.UTF_8));
        assertEquals(List.of("root:x:0:", "bob:x:1001:", "", "staff:x:50:bob,ünë"), PrivateGroups.lines(file));
        Files.write(file, "a\n".getBytes(StandardCharsets.UTF_8));
        assertEquals(List.of("a"), PrivateGroups.lines(file), "no empty last line");
        assertEquals(List.of(), PrivateGroups.lines(dir.resolve("absent")));
    }
}
