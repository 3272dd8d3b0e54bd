package deploy.mod;

public class Thing extends Base {
    private final int v;

    public Thing(int v) { this.v = v; }

    public int value() { return v; }
}
