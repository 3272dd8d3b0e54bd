package jx;

/** A shell class that names ext.Extra; loaded only when the child is told "extra". */
final class UsesExtra {
    static String call() {
        return ext.Extra.hello() + " " + ext.Extra.class.getClassLoader().getName();
    }
}
