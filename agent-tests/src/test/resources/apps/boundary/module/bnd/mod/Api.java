package bnd.mod;

import bnd.Board;
import bnd.Plugin;
import bnd.Visitor;

/** Swappable statics of generation VERSION. */
public final class Api {
    public static int counter = VERSION * 100;
    public static String label = "gen-VERSION";

    private Api() {
    }

    public static int version() {
        return VERSION;
    }

    public static String over(int i) {
        return "int-VERSION";
    }

    public static String over(String s) {
        return "str-VERSION";
    }

    public static Object make(int value) {
        return new Widget(value);
    }

    public static int sum(Widget[] widgets) {
        int sum = 0;
        for (Widget w : widgets) {
            sum += w == null ? 0 : w.value();
        }
        return sum;
    }

    public static int sum(Widget[][] grid) {
        int sum = 0;
        for (Widget[] row : grid) {
            sum += sum(row);
        }
        return sum;
    }

    public static String use(Widget w) {
        return "used-VERSION-" + w.value();
    }

    /** Swappable code that reads and writes erased shell members. */
    public static int roundTrip(int value) {
        Board.put(new Widget(value));
        Widget[] all = Board.all;
        return Board.get().value() + all.length * 0 + Board.last.value();
    }

    public static Visitor visitor() {
        return new WidgetVisitor();
    }

    public static Plugin plugin() {
        return new Sub();
    }
}
