package bnd;

import bnd.mod.Base;
import bnd.mod.Fn;
import bnd.mod.Parts;

/**
 * Shell code whose values must be adapted on the way to swappable code, and the JDK bootstraps
 * that see swappable types: lambdas and method references of swappable functional
 * interfaces, varargs, boxing, null, bridges, covariant returns, an inherited interface field,
 * string concatenation and a record with a swappable component.
 */
final class Adapt {
    /**
     * Made by the static initializer, in the generation of the thread that first uses the class (and held
     * by shell state: BoundaryUnloadIT lets it go to unload that generation).
     */
    static Fn<String> madeAtInit = () -> "init";

    /** A record's equals, hashCode and toString come from ObjectMethods, over an erased component. */
    record Pair(Parts parts, int n) {
    }

    private Adapt() {
    }

    static String functional() throws Throwable {
        String captured = "cap";
        Fn<String> own = () -> "own";
        Parts p = new Parts("x");
        return Parts.call(() -> "hi") + " " + Parts.call(() -> captured) + " " + Parts.fail(Thread::currentThread)
                + " " + Parts.call(Parts::name) + " " + Parts.call(p::joined) + " " + Parts.twice(() -> "d") + " "
                + Parts.callStr(() -> "b") + " " + own.get() + own.twice() + " " + madeAtInit.get();
    }

    static String varargs() {
        Parts p = new Parts("a", "b");
        return Parts.count("a", "b") + " " + Parts.count() + " " + Parts.any("abc", 'x', 'c') + " " + p.joined()
                + " " + p.sum(1, 2, 3) + " " + new Parts().joined();
    }

    static String adaptations() {
        Parts a = new Parts("a");
        Parts b = new Parts("b");
        Comparable<Parts> generic = a;
        Base base = a;
        return Parts.boxed(7, 8, null) + " " + Parts.boxed(null, 'c', 1.5f) + " " + Parts.nameOf(null) + " "
                + Integer.signum(a.compareTo(b)) + " " + Integer.signum(generic.compareTo(b)) + " "
                + a.self().joined() + " " + ((Parts) base.self()).joined() + " " + Parts.MARK;
    }

    /**
     * A shell frame prints as without the agent, no class loader name before the class: the shell
     * loader is unnamed like the built-in one ("modulets-shell//bnd.Adapt.frames(…)" changed the
     * messages of code that formats frames, Guice's).
     */
    static String frames() {
        String shown = new Throwable().getStackTrace()[0].toString();
        return "shell-frame=" + (shown.startsWith("bnd.Adapt.frames(Adapt.java:") ? "plain" : shown);
    }

    static String indys() {
        Parts p = new Parts("r");
        Pair one = new Pair(p, 3);
        Pair two = new Pair(p, 3);
        return "concat=" + p + "/" + p.sum() + " " + one + " " + one.equals(two) + " "
                + (one.hashCode() == two.hashCode()) + " " + one.parts().joined();
    }
}
