package jx.util;

/** A shell class loaded at startup: a package that cannot become swappable any more. */
public final class Helper {
    public static String name() {
        return "jx";
    }
}
