package bnd.mod;

public class Other extends RuntimeException {
    public Other(String message) {
        super(message);
    }
}
