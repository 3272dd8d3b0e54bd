package bnd;

import bnd.mod.Widget;

/** A shell interface whose method takes a swappable type; swappable code implements it. */
public interface Visitor {
    String visit(Widget w);
}
