package io.modulets.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.modulets.boundary.BoundaryReferences;
import io.modulets.boundary.BoundaryReferences.Need;
import io.modulets.boundary.BoundaryReferences.Reference;
import io.modulets.config.PackageFilter;
import io.modulets.generations.Snapshot;
import io.modulets.generations.Store;

/** The link check resolves members as the JVM would, in class bytes, and names what is missing. */
class LinkCheckTest {
    @TempDir
    static Path tmp;
    private static LinkCheck check;

    @BeforeAll
    static void generation() throws Exception {
        Path jar = DeployTesting.jar(tmp.resolve("sw.jar"), Map.of(
                "sw.Base", "package sw; public class Base { public int base() { return 1; }"
                        + " public static int count; public final int fixed = 1; }",
                "sw.Api", "package sw; public interface Api { default String hello() { return \"hi\"; }"
                        + " static Api make() { return null; } int K = 3; }",
                "sw.Thing", "package sw; public class Thing extends Base implements Api {"
                        + " public Thing(int v) {} public static int make() { return 2; } private void hidden() {} }",
                "sw.Shape", "package sw; public abstract class Shape { public Shape() {} }",
                "sw.Items", "package sw; public class Items extends java.util.ArrayList<String> { }"));
        Snapshot snapshot = new Store(tmp.resolve("store")).snapshot(List.of(jar));
        PackageFilter filter = PackageFilter.of(List.of("sw"), List.of());
        check = new LinkCheck(new JarCheck(filter, false, JarCheckTest.BOUNDS).read(snapshot), List.of("sw.jar"),
                LinkCheckTest.class.getClassLoader(), filter::isSwappableInternal);
    }

    @Test
    void membersFoundAsTheJvmResolvesThem() {
        assertNull(problem(Need.CONSTRUCTOR, "sw/Thing", "<init>", "(I)V"));
        assertNull(problem(Need.STATIC_METHOD, "sw/Thing", "make", "()I"));
        assertNull(problem(Need.INSTANCE_METHOD, "sw/Thing", "base", "()I"), "from a swappable superclass");
        assertNull(problem(Need.INSTANCE_METHOD, "sw/Thing", "hello", "()Ljava/lang/String;"), "a default method");
        assertNull(problem(Need.INSTANCE_METHOD, "sw/Thing", "hashCode", "()I"), "from Object, read as bytes");
        assertNull(problem(Need.INSTANCE_METHOD, "sw/Items", "size", "()I"), "from a shared superclass");
        assertNull(problem(Need.STATIC_FIELD, "sw/Thing", "count", "I"), "a static field of a superclass");
        assertNull(problem(Need.STATIC_FIELD, "sw/Thing", "K", "I"), "a constant of an interface");
        assertNull(problem(Need.INSTANCE_FIELD, "sw/Thing", "fixed", "I"), "reading a final field");
        assertNull(problem(Need.CLASS, "sw/Shape", "", ""));
    }

    @Test
    void whatIsMissingOrChangedIsNamed() {
        assertEquals("sw.Gone is missing from sw.jar", problem(Need.CLASS, "sw/Gone", "", ""));
        assertEquals("static method sw.Thing.make()J is missing", problem(Need.STATIC_METHOD, "sw/Thing", "make", "()J"));
        assertEquals("instance method sw.Thing.make()I is now a static method",
                problem(Need.INSTANCE_METHOD, "sw/Thing", "make", "()I"));
        assertEquals("static method sw.Thing.base()I is now an instance method",
                problem(Need.STATIC_METHOD, "sw/Thing", "base", "()I"));
        assertEquals("instance method sw.Thing.hidden()V is now private",
                problem(Need.INSTANCE_METHOD, "sw/Thing", "hidden", "()V"));
        assertEquals("static method sw.Thing.nothing()V is missing",
                problem(Need.STATIC_METHOD, "sw/Thing", "nothing", "()V"));
        assertEquals("instance method sw.Items.nothing()V is missing",
                problem(Need.INSTANCE_METHOD, "sw/Items", "nothing", "()V"), "not in the shared superclass either");
        assertEquals("static method sw.Thing.make()Lsw/Api; is missing",
                problem(Need.STATIC_METHOD, "sw/Thing", "make", "()Lsw/Api;"), "a static interface method is not inherited");
        assertEquals("constructor sw.Thing.<init>()V is missing", problem(Need.CONSTRUCTOR, "sw/Thing", "<init>", "()V"));
        assertEquals("sw.Shape cannot be instantiated any more (now abstract)",
                problem(Need.CONSTRUCTOR, "sw/Shape", "<init>", "()V"));
        assertEquals("instance field sw.Thing.fixed (I) is now final",
                problem(Need.INSTANCE_FIELD_WRITE, "sw/Thing", "fixed", "I"));
        assertEquals("static field sw.Thing.count (J) is missing", problem(Need.STATIC_FIELD, "sw/Thing", "count", "J"));
    }

    @Test
    void theRefusalNamesTheFirstBrokenReferenceItsShellUserAndHowManyMore() {
        DeployRefused refused = assertThrows(DeployRefused.class, () -> check(
                new Reference(Need.STATIC_METHOD, "sw/Thing", "make", "()I", "app.Main.run"),
                new Reference(Need.STATIC_METHOD, "sw/Thing", "gone", "()I", "app.Main.run"),
                new Reference(Need.CLASS, "sw/Gone", "", "", "app.Other.call")));
        assertEquals("link check: sw.Gone is missing from sw.jar, used by shell app.Other.call (and 1 more)",
                refused.getMessage());
    }

    @Test
    void aMemberIsLookedUpOnceButEachOfItsShellUsersCounts() {
        DeployRefused refused = assertThrows(DeployRefused.class, () -> check(
                new Reference(Need.STATIC_METHOD, "sw/Thing", "gone", "()I", "app.Main.run"),
                new Reference(Need.STATIC_METHOD, "sw/Thing", "make", "()I", "app.Main.run"),
                new Reference(Need.STATIC_METHOD, "sw/Thing", "gone", "()I", "app.Another.run"),
                new Reference(Need.STATIC_METHOD, "sw/Thing", "make", "()I", "app.Another.run")));
        assertEquals("link check: sw.jar: static method sw.Thing.gone()I is missing, used by shell app.Another.run"
                + " (and 1 more)",
                refused.getMessage());
    }

    private static void check(Reference... references) throws DeployRefused {
        check.check(BoundaryReferences.byMember(List.of(references)));
    }

    private static String problem(Need need, String owner, String member, String descriptor) {
        return check.problem(new Reference(need, owner, member, descriptor, "app.Main.run"));
    }
}
