package bnd.mod;

public interface Svc {
    String name();
}
