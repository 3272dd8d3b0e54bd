package bnd.mod;

public class Widget extends Base implements Shape {
    public int value;

    public Widget(int value) {
        this.value = value;
    }

    public Widget(String value) {
        this.value = Integer.parseInt(value) + 1000 * VERSION;
    }

    public int value() {
        return value;
    }

    @Override
    public int area() {
        return value * 10 + VERSION;
    }

    public String describe() {
        return "widget-VERSION";
    }
}
