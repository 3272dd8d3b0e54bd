package bnd.mod;

public interface Shape {
    int area();

    static String kind() {
        return "shape-VERSION";
    }

    default String describeArea() {
        return "area-" + area();
    }
}
