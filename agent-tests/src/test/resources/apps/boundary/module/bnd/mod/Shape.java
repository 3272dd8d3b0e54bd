package bnd.mod;

public interface Shape {
    int area();
}
