package bnd;

import bnd.mod.Base;

/** Refused: a shell class cannot extend a swappable class. */
public class BadExt extends Base {
    public static String hi() {
        return "should not run";
    }
}
