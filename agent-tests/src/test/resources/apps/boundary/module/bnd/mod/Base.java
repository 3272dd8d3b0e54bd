package bnd.mod;

/** A swappable superclass: its members are inherited by Widget. */
public class Base {
    public static String inherited() {
        return "base-VERSION";
    }

    public String hello() {
        return "hello-VERSION";
    }
}
