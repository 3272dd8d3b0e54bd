package bnd.mod;

import bnd.Visitor;

/** Overrides a shell method whose parameter type is swappable (erased in the shell). */
public class WidgetVisitor implements Visitor {
    @Override
    public String visit(Widget w) {
        return "visited-VERSION-" + w.value();
    }
}
