package bnd.mod;

/** A swappable superclass: its members are inherited by Widget. */
public class Base {
    public static String inherited() {
        return "base-VERSION";
    }

    /** Overridden with a covariant return by Parts. */
    public Base self() {
        return this;
    }

    public String hello() {
        return "hello-VERSION";
    }
}
