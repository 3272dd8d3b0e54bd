package bnd.mod;

public class SvcImpl implements Svc {
    @Override
    public String name() {
        return "svc-VERSION";
    }
}
