package bnd;

import bnd.mod.Fn;
import bnd.mod.Parts;

/** A serializable lambda of a swappable interface: refused when it loads (docs/BOUNDARY.md). */
public final class BadLambda {
    private BadLambda() {
    }

    public static String hi() {
        return Parts.call((Fn<String> & java.io.Serializable) () -> "x");
    }
}
