package bnd;

import bnd.mod.Widget;

/** Shell members of swappable types: erased in the shell, used by shell and by swappable code. */
public final class Board {
    public static Widget last;
    public static Widget[] all;

    private Board() {
    }

    public static void put(Widget w) {
        last = w;
        all = new Widget[] {w};
    }

    public static Widget get() {
        return last;
    }
}
